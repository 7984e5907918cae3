package org.acstokenservice.fleet;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The change feed on a real PostgreSQL: what it hears, and when it may be trusted. */
@IntegrationTest
class PostgreSqlChangeFeedTests {

	private static final Duration MAX_DELAY = Duration.ofMillis(500);

	private static EmbeddedPostgres postgres;

	private final JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());

	private final List<String> changed = new CopyOnWriteArrayList<>();

	private final AtomicInteger forgotten = new AtomicInteger();

	private PostgreSqlChangeFeed feed;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
		JdbcClient.create(postgres.getPostgresDatabase()).sql("create database elsewhere").update();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@BeforeEach
	void startFeed() {
		this.feed = startFeed(this.jdbc);
	}

	/** A feed that listens on the test's database, its heartbeats sent by writers. */
	private PostgreSqlChangeFeed startFeed(JdbcClient writers) {
		PostgreSqlChangeFeed started = new PostgreSqlChangeFeed(
				new PostgreSqlConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"), writers,
				Duration.ofMillis(50), MAX_DELAY, new SimpleMeterRegistry());
		started.subscribe("identity", new ChangeFeed.Listener() {

			@Override
			public void changed(String key) {
				PostgreSqlChangeFeedTests.this.changed.add(key);
			}

			@Override
			public void forgetAll() {
				PostgreSqlChangeFeedTests.this.forgotten.incrementAndGet();
			}

		});
		started.start();
		return started;
	}

	@AfterEach
	void stopFeed() {
		this.feed.stop();
	}

	@Test
	void upToDateWhenItsHeartbeatComesBackThenTrusted() {
		await(this.feed::upToDate);

		assertThat(this.forgotten).as("everything forgotten when it started listening").hasValue(1);
	}

	@Test
	void changedWhenAnotherSessionNotifiesThenListenerHearsTheKeyOfItsTopicOnly() {
		await(this.feed::upToDate);

		notify("identity:alice");
		notify("other-topic:bob");
		notify("identity:carol:with:colons");

		await(() -> this.changed.size() == 2);
		assertThat(this.changed).containsExactly("alice", "carol:with:colons");
	}

	@Test
	void upToDateWhenListeningConnectionTerminatedThenNotTrustedUntilBackAndEverythingForgotten() {
		await(this.feed::upToDate);

		this.jdbc.sql("select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?")
			.param(PostgreSqlChangeFeed.APPLICATION_NAME)
			.query(Boolean.class)
			.list();

		await(() -> !this.feed.upToDate());
		await(this.feed::upToDate);
		assertThat(this.forgotten).as("forgotten again: changes may have been missed").hasValue(2);
	}

	@Test
	void upToDateWhenWritersReachAnotherDatabaseThanTheListenerThenNeverClaimedForTheirChanges() {
		this.feed.stop();
		this.forgotten.set(0);
		/*
		 * The application's pool reaches a database that the listener does not hear: as
		 * after a failover, or behind a pooler that routes the two apart.
		 */
		JdbcClient writers = JdbcClient.create(postgres.getDatabase("postgres", "elsewhere"));
		this.feed = startFeed(writers);
		await(() -> this.forgotten.get() == 1);

		writers.sql("select pg_notify(?, ?)").params(ChangeFeed.CHANNEL, "identity:alice").query(Object.class).list();
		long committed = System.nanoTime();
		this.feed.awaitPropagation(committed);

		assertThat(this.feed.upToDate() && !this.changed.contains("alice"))
			.as("up to date, yet a writer's change committed a maximum delay ago was not heard")
			.isFalse();
	}

	@Test
	void awaitPropagationWhenCalledAfterACommitThenReturnsTheMaximumDelayAfterIt() {
		long committed = System.nanoTime();

		this.feed.awaitPropagation(committed);

		assertThat(Duration.ofNanos(System.nanoTime() - committed)).isGreaterThanOrEqualTo(MAX_DELAY);
	}

	private void notify(String payload) {
		this.jdbc.sql("select pg_notify(?, ?)").params(ChangeFeed.CHANNEL, payload).query(Object.class).list();
	}

	private static void await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("within 10 s").isLessThan(deadline);
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
