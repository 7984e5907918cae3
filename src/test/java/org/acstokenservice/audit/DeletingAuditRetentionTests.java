package org.acstokenservice.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditEvent.Outcome;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention on H2, local mode's database: one delete. */
class DeletingAuditRetentionTests {

	private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private AuditWriter writer;

	private AuditTrail trail;

	private DeletingAuditRetention retention;

	@BeforeEach
	void migrate() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		Flyway.configure()
			.dataSource(dataSource)
			.locations("classpath:db/migration", "classpath:db/vendor/h2")
			.load()
			.migrate();
		this.writer = new AuditWriter(new JdbcTemplate(dataSource),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)), 100, Duration.ofMillis(50),
				Duration.ofSeconds(5), this.meters);
		this.writer.start();
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		JdbcClient jdbc = JdbcClient.create(dataSource);
		this.trail = AuditTrails.onH2(new JdbcTemplate(dataSource), this.writer, this.meters, clock);
		this.retention = new DeletingAuditRetention(jdbc, this.writer, clock, Duration.ofDays(90));
	}

	@AfterEach
	void stopWriter() {
		this.writer.stop();
	}

	@Test
	void enforceWhenOlderThanRetentionThenOnlyThoseDeleted() {
		this.trail.record(new AuditEvent(NOW.minus(Duration.ofDays(100)), Action.TOKEN_ISSUE, Outcome.SUCCESS, "bob",
				"bob", null, null, null), false);
		this.trail.record(new AuditEvent(NOW.minus(Duration.ofDays(1)), Action.TOKEN_REVOKE, Outcome.SUCCESS, "bob",
				"bob", null, null, null), false);

		this.retention.enforce();

		assertThat(this.trail.recent("bob", 10)).extracting(AuditEvent::action).containsExactly(Action.TOKEN_REVOKE);
	}

}
