package org.acstokenservice.audit;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditEvent.Outcome;
import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.MutableClock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention on a real PostgreSQL, {@code audit_event} partitioned by day: each test on a
 * database of its own, migrated as the service migrates it.
 */
@IntegrationTest
class PartitionedAuditRetentionTests {

	private static final Duration RETENTION = Duration.ofDays(90);

	private static final AtomicInteger databases = new AtomicInteger();

	private static EmbeddedPostgres postgres;

	private final MutableClock clock = new MutableClock();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private DataSource dataSource;

	private JdbcTemplate jdbc;

	private AuditWriter writer;

	private PartitionedAuditRetention retention;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@BeforeEach
	void newDatabase() {
		String name = "audit_" + databases.incrementAndGet();
		new JdbcTemplate(postgres.getPostgresDatabase()).execute("create database " + name);
		this.dataSource = postgres.getDatabase("postgres", name);
		this.jdbc = new JdbcTemplate(this.dataSource);
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		this.writer = new AuditWriter(this.jdbc, transactions, 1000, Duration.ofMillis(20), Duration.ofSeconds(2),
				this.meters);
		this.retention = new PartitionedAuditRetention(this.jdbc, transactions, this.clock,
				new AuditProperties(RETENTION, Duration.ofHours(1), Duration.ofMillis(200), 10000,
						Duration.ofSeconds(2), 7, Duration.ofMillis(200)));
	}

	@AfterEach
	void stopWriter() {
		this.writer.stop();
	}

	@Test
	void enforceWhenDayEndsPastRetentionThenItsPartitionIsDroppedWhileInsertsContinue() throws Exception {
		migrate();
		this.writer.start();
		this.retention.enforce();
		Instant today = this.clock.instant().truncatedTo(ChronoUnit.DAYS);
		this.writer.writeAndWait(event(this.clock.instant(), "alice"));
		assertThat(partitionOf("alice")).isEqualTo(dayPartition(today));

		ListAppender<ILoggingEvent> writerLog = new ListAppender<>();
		writerLog.start();
		((Logger) LoggerFactory.getLogger(AuditWriter.class)).addAppender(writerLog);
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger written = new AtomicInteger();
		AtomicInteger writtenAfter = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		Instant droppedDays = today.plus(2, ChronoUnit.DAYS);
		Thread inserts = new Thread(() -> {
			while (writing.get()) {
				try {
					Instant at = this.clock.instant();
					this.writer.writeAndWait(event(at, "bob"));
					written.incrementAndGet();
					writtenAfter.addAndGet(at.isAfter(droppedDays) ? 1 : 0);
				}
				catch (DataAccessException ex) {
					failed.incrementAndGet();
				}
			}
		});
		inserts.start();
		try {
			awaitMore(written, 0);
			this.clock.advance(RETENTION.plusDays(2));
			this.retention.enforce();
			awaitMore(written, written.get());
		}
		finally {
			writing.set(false);
			inserts.join();
			((Logger) LoggerFactory.getLogger(AuditWriter.class)).detachAppender(writerLog);
		}

		assertThat(exists(dayPartition(today))).as("the day past the retention").isFalse();
		assertThat(exists(dayPartition(today.plus(2, ChronoUnit.DAYS)))).as("a day within it").isTrue();
		assertThat(count("select count(*) from audit_event where subject = 'alice'")).isZero();
		assertThat(failed).as("inserts that failed").hasValue(0);
		assertThat(writerLog.list).as("batches that the writer had to try again").isEmpty();
		assertThat(count("select count(*) from audit_event where subject = 'bob'")).as("rows of the days kept")
			.isEqualTo(writtenAfter.get());
		assertThat(count("select count(*) from audit_event_default")).as("rows left in the default partition").isZero();
	}

	@Test
	void insertWhenItsDayHasNoPartitionThenStoredAndMovedToItWhenMade() {
		migrate();
		this.writer.start();
		Instant now = this.clock.instant();

		this.writer.writeAndWait(event(now, "carol"));

		assertThat(partitionOf("carol")).isEqualTo("audit_event_default");
		this.retention.enforce();
		assertThat(partitionOf("carol")).isEqualTo(dayPartition(now.truncatedTo(ChronoUnit.DAYS)));
	}

	@Test
	void enforceWhenTableLockedLongerThanLockTimeoutThenGivesUpAndDropsInTheNextRound() throws SQLException {
		migrate();
		this.retention.enforce();
		String today = dayPartition(this.clock.instant().truncatedTo(ChronoUnit.DAYS));
		this.clock.advance(RETENTION.plusDays(2));

		try (Connection reader = this.dataSource.getConnection(); Statement statement = reader.createStatement()) {
			reader.setAutoCommit(false);
			statement.execute("lock table audit_event in access share mode");
			long start = System.nanoTime();
			this.retention.enforce();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(exists(today)).as("dropped while a reader holds the table").isTrue();
			reader.rollback();
		}
		this.retention.enforce();

		assertThat(exists(today)).isFalse();
	}

	@Test
	void enforceWhenARoundDetachedADayButDidNotDropItThenTheNextDropsIt() {
		migrate();
		this.retention.enforce();
		String today = dayPartition(this.clock.instant().truncatedTo(ChronoUnit.DAYS));
		this.clock.advance(RETENTION.plusDays(2));
		this.jdbc.execute("alter table audit_event detach partition " + today);

		this.retention.enforce();

		assertThat(exists(today)).isFalse();
	}

	@Test
	void migrateWhenTableHoldsRowsThenKeepsThemAndTrimsThemByTheRetention() {
		migrateToBeforePartitions();
		Instant now = this.clock.instant();
		insertRow(now.minus(Duration.ofDays(100)), "old");
		insertRow(now.minus(Duration.ofDays(10)), "recent");
		insertRow(now, "today");
		long lastId = count("select max(id) from audit_event");

		migrate();

		assertThat(this.jdbc.queryForList("select subject from audit_event order by id", String.class))
			.containsExactly("old", "recent", "today");
		assertThat(partitionOf("recent")).isEqualTo("audit_event_legacy");
		this.writer.start();
		this.writer.writeAndWait(event(now.plus(Duration.ofDays(2)), "dave"));
		assertThat(count("select id from audit_event where subject = 'dave'")).isGreaterThan(lastId);

		this.retention.enforce();
		assertThat(this.jdbc.queryForList("select subject from audit_event where id <= " + lastId + " order by id",
				String.class))
			.as("older than the retention, in a partition that is not")
			.containsExactly("recent", "today");

		this.clock.advance(RETENTION.plusDays(2));
		this.retention.enforce();
		assertThat(exists("audit_event_legacy")).isFalse();
		assertThat(partitionOf("dave"))
			.isEqualTo(dayPartition(now.plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.DAYS)));
	}

	private void migrate() {
		flyway().load().migrate();
	}

	/** Migrates to the last version before the partitioned table, whichever that is. */
	private void migrateToBeforePartitions() {
		MigrationVersion partitioned = MigrationVersion.fromVersion("11");
		MigrationVersion before = Arrays.stream(flyway().load().info().all())
			.map(MigrationInfo::getVersion)
			.filter((version) -> version.isNewerThan(MigrationVersion.EMPTY) && partitioned.isNewerThan(version))
			.max(Comparator.naturalOrder())
			.orElseThrow();
		flyway().target(before).load().migrate();
	}

	private FluentConfiguration flyway() {
		return Flyway.configure()
			.dataSource(this.dataSource)
			.locations("classpath:db/migration", "classpath:db/vendor/postgresql");
	}

	private void insertRow(Instant occurredAt, String subject) {
		this.jdbc.update(
				"insert into audit_event (occurred_at, action, outcome, actor, subject) values (?, ?, ?, ?, ?)",
				occurredAt.atOffset(ZoneOffset.UTC), "TOKEN_ISSUE", "SUCCESS", subject, subject);
	}

	private static AuditEvent event(Instant at, String subject) {
		return new AuditEvent(at, Action.TOKEN_ISSUE, Outcome.SUCCESS, subject, subject, null, null, "tier=basic");
	}

	private static String dayPartition(Instant day) {
		return "audit_event_p" + day.toString().substring(0, 10).replace("-", "");
	}

	private String partitionOf(String subject) {
		return this.jdbc.queryForObject("select tableoid::regclass::text from audit_event where subject = ?",
				String.class, subject);
	}

	private boolean exists(String table) {
		return this.jdbc.queryForObject("select to_regclass(?) is not null", Boolean.class, table);
	}

	private long count(String sql) {
		return this.jdbc.queryForObject(sql, Long.class);
	}

	private static void awaitMore(AtomicInteger written, int than) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (written.get() < than + 20 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(written.get()).as("inserts go on").isGreaterThanOrEqualTo(than + 20);
	}

}
