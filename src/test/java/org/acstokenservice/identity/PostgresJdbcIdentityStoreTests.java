package org.acstokenservice.identity;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.identity.JdbcIdentityStore.PendingDeletion;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The identity store on a real PostgreSQL, the database of production, started here. */
@IntegrationTest
class PostgresJdbcIdentityStoreTests extends JdbcIdentityStoreTests {

	private static final Instant CREATED = Instant.parse("2026-12-07T10:00:00Z");

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@Override
	DataSource dataSource() {
		return postgres.getPostgresDatabase();
	}

	/**
	 * The adversary's race: a user's erasure locks and queues the identities it found,
	 * while a request commits the user's first identity in another resource. The erasure
	 * must not delete that one too (it would stay live at ACS, mapped nowhere and queued
	 * nowhere): it stays mapped. Deterministic: the erasure's queueing waits on an
	 * advisory lock that the test holds until the other identity is committed.
	 */
	@Test
	void forgetAndQueueDeletionWhenIdentityInAnotherResourceCommittedMeanwhileThenItStaysMapped() throws Exception {
		JdbcClient jdbc = JdbcClient.create(dataSource());
		jdbc.sql("create function hold_queueing() returns trigger language plpgsql as "
				+ "'begin perform pg_advisory_xact_lock(4242); return new; end'")
			.update();
		jdbc.sql("create trigger hold_queueing before insert on pending_acs_deletion for each row "
				+ "execute function hold_queueing()")
			.update();
		this.store.insertIfAbsent(StoredIdentity.created("hana", AcsResources.DEFAULT, "8:acs:r_home", CREATED));
		ExecutorService erasing = Executors.newSingleThreadExecutor();
		try (Connection holder = dataSource().getConnection()) {
			holder.setAutoCommit(false);
			try (Statement lock = holder.createStatement()) {
				lock.execute("select pg_advisory_xact_lock(4242)");
			}
			Future<List<String>> erased = erasing
				.submit(() -> this.store.forgetAndQueueDeletion("hana", CREATED, CREATED));
			awaitWaitingOnAdvisoryLock(jdbc);
			this.store.insertIfAbsent(StoredIdentity.created("hana", "eu", "8:acs:r_abroad", CREATED));
			holder.commit();

			assertThat(erased.get(10, TimeUnit.SECONDS)).containsExactly("8:acs:r_home");
		}
		finally {
			erasing.shutdownNow();
		}
		assertThat(this.store.findByAppUserId("hana", "eu")).map(StoredIdentity::communicationUserId)
			.as("the identity created during the erasure is still mapped, so nothing is left unknown at ACS")
			.contains("8:acs:r_abroad");
		assertThat(this.store.pendingDeletionsOf("hana")).extracting(PendingDeletion::communicationUserId)
			.containsExactly("8:acs:r_home");
	}

	private static void awaitWaitingOnAdvisoryLock(JdbcClient jdbc) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (jdbc.sql("select count(*) from pg_locks where locktype = 'advisory' and not granted")
			.query(Integer.class)
			.single() == 0) {
			assertThat(System.nanoTime()).as("the erasure reaches its queueing").isLessThan(deadline);
			Thread.sleep(10);
		}
	}

}
