package org.acstokenservice.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditEvent.Outcome;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

class AuditTrailTests {

	private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private AuditWriter writer;

	private AuditTrail trail;

	private JdbcTemplate jdbc;

	@BeforeEach
	void migrate() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		Flyway.configure().dataSource(dataSource).load().migrate();
		this.jdbc = new JdbcTemplate(dataSource);
		this.writer = new AuditWriter(this.jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
				1, Duration.ofMillis(50), Duration.ofSeconds(5), this.meters);
		this.writer.start();
		this.trail = AuditTrails.onH2(this.jdbc, this.writer, this.meters, Clock.fixed(NOW, ZoneOffset.UTC));
	}

	@AfterEach
	void stopWriter() {
		this.writer.stop();
	}

	@Test
	void recordWhenNobodyReadsThenWrittenWithinASecond() throws InterruptedException {
		this.trail.succeeded(AuditEntry.of(Action.TOKEN_ISSUE, "dave"), "8:acs:r_4");

		long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
		while (rows("dave") == 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(rows("dave")).isEqualTo(1);
	}

	@Test
	void recordWhenQueueFullThenCallersWaitAndNoEventIsLost() throws Exception {
		ExecutorService callers = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				done.add(callers.submit(() -> this.trail.succeeded(AuditEntry.of(Action.TOKEN_ISSUE, "erin"), null)));
			}
			for (Future<?> call : done) {
				call.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}

		assertThat(this.trail.recent("erin", 1000)).hasSize(200);
	}

	@Test
	void stopWhenEventsQueuedThenAllWritten() {
		for (int i = 0; i < 20; i++) {
			this.trail.succeeded(AuditEntry.of(Action.TOKEN_REVOKE, "frank"), null);
		}

		this.writer.stop();

		assertThat(rows("frank")).isEqualTo(20);
	}

	@Test
	void changedWhenReturnedThenItsRowIsCommitted() {
		for (int i = 0; i < 5; i++) {
			this.trail.changed(AuditEntry.of(Action.TOKEN_ISSUE, "gina"), "8:acs:r_7");

			assertThat(rows("gina")).as("committed before the call returns").isEqualTo(i + 1);
		}
	}

	@Test
	void changedWhenManyRequestsAtOnceThenCommittedTogether() throws Exception {
		AuditTrail trail = trailWithWriter(1000, Duration.ofSeconds(5));
		ExecutorService callers = Executors.newFixedThreadPool(32);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < 320; i++) {
				done.add(callers.submit(() -> trail.changed(AuditEntry.of(Action.TOKEN_ISSUE, "hank"), null)));
			}
			for (Future<?> call : done) {
				call.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}

		assertThat(rows("hank")).isEqualTo(320);
		assertThat(this.meters.get("acs.audit.commits").timer().count()).as("commits for 320 rows").isLessThan(320);
	}

	@Test
	void changedWhenDatabaseRefusesThenFailsWithinTheMaximumWaitAndIsWrittenLater() {
		this.jdbc.execute("alter table audit_event rename to audit_event_away");
		AuditTrail trail = trailWithWriter(100, Duration.ofMillis(500));
		long start = System.nanoTime();

		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> trail.changed(AuditEntry.of(Action.IDENTITY_ERASE, "ivan"), null));

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		this.jdbc.execute("alter table audit_event_away rename to audit_event");
		this.writer.stop();
		assertThat(rows("ivan")).as("still written once the database takes it").isEqualTo(1);
	}

	private int rows(String subject) {
		return this.jdbc.queryForObject("select count(*) from audit_event where subject = ?", Integer.class, subject);
	}

	@Test
	void recordThenReadBackNewestFirstAndCounted() {
		this.trail.succeeded(AuditEntry.of(Action.TOKEN_ISSUE, "alice").withDetail("tier=standard"), "8:acs:r_1");
		this.trail.refused(AuditEntry.of(Action.TOKEN_ISSUE, "alice").withDetail("tier=basic"),
				new ProblemException(ErrorCode.SCOPE_NOT_ALLOWED, "voip is not allowed"));

		assertThat(this.trail.recent("alice", 10)).extracting(AuditEvent::outcome, AuditEvent::reason)
			.containsExactlyInAnyOrder(tuple(Outcome.SUCCESS, null), tuple(Outcome.DENIED, "scope_not_allowed"));
		assertThat(this.meters.get("acs.audit.events").tag("reason", "scope_not_allowed").counter().count())
			.isEqualTo(1);
	}

	/**
	 * A signed-in client in a loop of bad requests (an unknown scope, a lifetime too
	 * long) must not grow the table at its request rate: the same refusal of the same
	 * user is written once per window, and counted every time.
	 */
	@Test
	void refusedWhenTheSameRefusalRepeatsThenOneRowPerWindowAndEveryOneCounted() {
		for (int i = 0; i < 50; i++) {
			this.trail.refused(AuditEntry.of(Action.TOKEN_ISSUE, "dave"),
					new ProblemException(ErrorCode.SCOPE_NOT_ALLOWED, "voip is not allowed"));
		}
		this.trail.refused(AuditEntry.of(Action.TOKEN_ISSUE, "dave"),
				new ProblemException(ErrorCode.INVALID_EXPIRY, "too long"));
		this.trail.refused(AuditEntry.of(Action.TOKEN_ISSUE, "erin"),
				new ProblemException(ErrorCode.SCOPE_NOT_ALLOWED, "voip is not allowed"));

		assertThat(this.trail.recent("dave", 100)).extracting(AuditEvent::reason)
			.containsExactlyInAnyOrder("scope_not_allowed", "invalid_expiry");
		assertThat(this.trail.recent("erin", 100)).hasSize(1);
		assertThat(this.meters.get("acs.audit.refusals.repeated").tag("action", "token_issue").counter().count())
			.isEqualTo(49);
	}

	@Test
	void refusedWhenNeitherRefusalNorAcsFailureThenNotRecorded() {
		this.trail.refused(AuditEntry.of(Action.TOKEN_ISSUE, "carol"), new IllegalStateException("database down"));

		assertThat(this.trail.recent("carol", 10)).isEmpty();
	}

	@Test
	void recordWhenValuesCarryLineBreaksThenStoredWithoutThem() {
		this.trail.refused(AuditEntry.of(Action.TOKEN_ISSUE, "eve").withDetail("scopes=chat\nFAKE audit line"),
				new ProblemException(ErrorCode.INVALID_SCOPE, "no such scope"));

		assertThat(this.trail.recent("eve", 1).get(0).detail()).isEqualTo("scopes=chat?FAKE audit line");
	}

	@Test
	void recordThenLogEventCarriesFieldsForStructuredLogging() {
		/*
		 * Boot's structured logging (logging.structured.format.console=ecs) writes an
		 * event's key-value pairs as JSON members: these are what a log search sees.
		 */
		ch.qos.logback.classic.Logger audit = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("audit");
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		audit.addAppender(appender);
		try {
			this.trail.succeeded(AuditEntry.of(Action.TOKEN_ISSUE, "alice").withDetail("tier=standard"), "8:acs:r_1");
			this.trail.recent("alice", 1);
		}
		finally {
			audit.detachAppender(appender);
		}

		assertThat(appender.list).singleElement().satisfies((event) -> {
			Map<String, Object> fields = new HashMap<>();
			event.getKeyValuePairs().forEach((pair) -> fields.put(pair.key, pair.value));
			assertThat(fields).containsEntry("audit.action", Action.TOKEN_ISSUE)
				.containsEntry("audit.outcome", Outcome.SUCCESS)
				.containsEntry("audit.subject", "alice")
				.containsEntry("audit.communicationUserId", "8:acs:r_1");
		});
	}

	/** A trail whose writer, replacing the test's, has this queue and maximum wait. */
	private AuditTrail trailWithWriter(int queueCapacity, Duration maxWait) {
		this.writer.stop();
		this.writer = new AuditWriter(this.jdbc,
				new TransactionTemplate(new DataSourceTransactionManager(this.jdbc.getDataSource())), queueCapacity,
				Duration.ofMillis(50), maxWait, this.meters);
		this.writer.start();
		return AuditTrails.onH2(this.jdbc, this.writer, this.meters, Clock.fixed(NOW, ZoneOffset.UTC));
	}

}
