package org.acstokenservice.identity;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.fleet.FreshConnectionRetry;
import org.acstokenservice.testsupport.IntegrationTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adversary of a database restart: every connection of the pool dies while the pool
 * still holds it, and the next statement comes at once. Hikari checks a connection before
 * it hands it out only when it was idle for more than 500 ms, so these dead connections
 * are handed out unchecked. Deterministic: the test kills the backends itself, from a
 * connection of its own, right after the pool's connections were used.
 */
@IntegrationTest
class PostgresLostConnectionTests {

	private static final String POOL = "store-under-test";

	private static final Instant CREATED = Instant.parse("2026-12-07T10:00:00Z");

	private static EmbeddedPostgres postgres;

	private HikariDataSource pool;

	private JdbcIdentityStore store;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
		Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@BeforeEach
	void openPool() {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
		config.setMaximumPoolSize(4);
		config.setConnectionTimeout(1500);
		config.addDataSourceProperty("ApplicationName", POOL);
		this.pool = new HikariDataSource(config);
		this.store = new JdbcIdentityStore(JdbcClient.create(this.pool), new FreshConnectionRetry(this.pool,
				new TransactionTemplate(new DataSourceTransactionManager(this.pool))));
		JdbcClient.create(this.pool).sql("delete from pending_acs_deletion").update();
		JdbcClient.create(this.pool).sql("delete from acs_identity").update();
	}

	@AfterEach
	void closePool() {
		this.pool.close();
	}

	@Test
	void readWhenPooledConnectionsDiedThenTriedOnAFreshConnection() throws SQLException {
		this.store.insertIfAbsent(StoredIdentity.created("alice", AcsResources.DEFAULT, "8:acs:r_1", CREATED));
		killPooledConnections();

		assertThat(this.store.findByAppUserId("alice", AcsResources.DEFAULT)).map(StoredIdentity::communicationUserId)
			.contains("8:acs:r_1");
	}

	@Test
	void insertWhenPooledConnectionsDiedThenTriedOnAFreshConnectionAndStoredOnce() throws SQLException {
		killPooledConnections();

		assertThat(this.store.insertIfAbsent(StoredIdentity.created("bob", AcsResources.DEFAULT, "8:acs:r_2", CREATED)))
			.isTrue();
		assertThat(count("select count(*) from acs_identity where app_user_id = 'bob'")).isEqualTo(1);
	}

	@Test
	void revokeWhenPooledConnectionsDiedThenTriedOnAFreshConnectionAndCountedOnce() throws SQLException {
		this.store.insertIfAbsent(StoredIdentity.created("carol", AcsResources.DEFAULT, "8:acs:r_3", CREATED));
		killPooledConnections();

		assertThat(this.store.markRevoked("carol", "8:acs:r_3", CREATED)).isTrue();
		assertThat(this.store.findByAppUserId("carol", AcsResources.DEFAULT)).map(StoredIdentity::revocationGeneration)
			.as("one revocation, one generation")
			.contains(1L);
	}

	@Test
	void eraseWhenPooledConnectionsDiedThenTriedOnAFreshConnectionAndQueuedOnce() throws SQLException {
		this.store.insertIfAbsent(StoredIdentity.created("dave", AcsResources.DEFAULT, "8:acs:r_4", CREATED));
		killPooledConnections();

		assertThat(this.store.forgetAndQueueDeletion("dave", CREATED, CREATED)).containsExactly("8:acs:r_4");
		assertThat(count("select count(*) from pending_acs_deletion where app_user_id = 'dave'")).isEqualTo(1);
		assertThat(this.store.findByAppUserId("dave", AcsResources.DEFAULT)).isEmpty();
	}

	/**
	 * Uses every connection of the pool at once, so that each was used within the last
	 * 500 ms, then ends their backends, as a restart of PostgreSQL does.
	 */
	private void killPooledConnections() throws SQLException {
		List<Connection> borrowed = new ArrayList<>();
		try {
			for (int i = 0; i < this.pool.getMaximumPoolSize(); i++) {
				Connection connection = this.pool.getConnection();
				borrowed.add(connection);
				try (Statement statement = connection.createStatement()) {
					statement.execute("select 1");
				}
			}
		}
		finally {
			for (Connection connection : borrowed) {
				connection.close();
			}
		}
		int killed = JdbcClient.create(postgres.getPostgresDatabase())
			.sql("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = ?")
			.param(POOL)
			.query(Integer.class)
			.single();
		assertThat(killed).as("the pool's backends ended").isEqualTo(this.pool.getMaximumPoolSize());
	}

	private long count(String sql) {
		return JdbcClient.create(postgres.getPostgresDatabase()).sql(sql).query(Long.class).single();
	}

}
