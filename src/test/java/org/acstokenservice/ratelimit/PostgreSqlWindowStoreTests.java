package org.acstokenservice.ratelimit;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.fleet.PostgreSqlConnection;
import org.acstokenservice.testsupport.IntegrationTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared sliding windows on a real PostgreSQL, several stores standing for several
 * instances of a fleet.
 */
@IntegrationTest
class PostgreSqlWindowStoreTests {

	private static EmbeddedPostgres postgres;

	private final JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());

	private final List<PostgreSqlWindowStore> stores = new ArrayList<>();

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
		Flyway.configure()
			.dataSource(postgres.getPostgresDatabase())
			.locations("classpath:db/migration", "classpath:db/vendor/postgresql")
			.load()
			.migrate();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@BeforeEach
	void noWindows() {
		this.jdbc.sql("delete from sliding_window_slot").update();
	}

	@AfterEach
	void closeStores() throws Exception {
		for (PostgreSqlWindowStore store : this.stores) {
			store.close();
		}
	}

	@Test
	void tryAdmitWhenThreeInstancesAtOnceThenExactlyTheLimitForTheFleet() throws Exception {
		WindowLimit limit = new WindowLimit(50, Duration.ofHours(1));
		List<PostgreSqlWindowStore> fleet = List.of(store(), store(), store());

		List<Optional<Duration>> decisions = concurrently(150,
				(n) -> fleet.get(n % 3).tryAdmit("acs-budget:default:revoke", limit));

		assertThat(decisions.stream().filter(Optional::isEmpty)).hasSize(50);
		assertThat(decisions.stream().flatMap(Optional::stream))
			.as("refused until the first call leaves the window, an hour on")
			.hasSize(100)
			.allSatisfy((wait) -> assertThat(wait).isBetween(Duration.ofMinutes(59), Duration.ofHours(1)));
		assertThat(store().tryAdmit("acs-budget:default:revoke", limit)).as("a new instance too").isPresent();
		assertThat(store().tryAdmit("acs-budget:default:delete", limit)).as("another operation").isEmpty();
	}

	@Test
	void tryAdmitWhenWindowSlidesThenTheFleetNeverHoldsMoreThanTheLimitInAnyWindow() throws Exception {
		WindowLimit limit = new WindowLimit(20, Duration.ofSeconds(1));
		List<PostgreSqlWindowStore> fleet = List.of(store(), store());
		List<Long> admitted = new ArrayList<>();
		long end = System.nanoTime() + Duration.ofMillis(3500).toNanos();
		for (int n = 0; System.nanoTime() < end; n++) {
			if (fleet.get(n % 2).tryAdmit("window", limit).isEmpty()) {
				admitted.add(System.nanoTime());
			}
			Thread.sleep(5);
		}

		assertThat(admitted.size()).as("the window is used again as it slides: 20 a second for 3.5 s")
			.isBetween(61, 80);
		assertThat(mostWithin(admitted, Duration.ofMillis(900))).as("most admitted in any 0.9 s")
			.isLessThanOrEqualTo(20);
		List<Long> stamps = this.jdbc.sql("select (extract(epoch from used_at) * 1e9)::bigint from sliding_window_slot")
			.query(Long.class)
			.list();
		assertThat(stamps).as("the last window, on the database's clock").hasSize(20);
	}

	@Test
	void tryAdmitWhenWindowFullThenRefusedFromMemoryWithoutAStatement() throws Exception {
		WindowLimit limit = new WindowLimit(2, Duration.ofHours(1));
		PostgreSqlWindowStore store = store();
		store.tryAdmit("full", limit);
		store.tryAdmit("full", limit);
		assertThat(store.tryAdmit("full", limit)).isPresent();

		this.jdbc.sql("update sliding_window_slot set used_at = 'epoch' where window_key = 'full'").update();

		assertThat(store.tryAdmit("full", limit)).as("still refused: no row can have left the window").isPresent();
		assertThat(store().tryAdmit("full", limit)).as("another instance asks the database").isEmpty();
	}

	@Test
	void tryAdmitWhenLastFreeRowHeldByAnotherInstanceThenWaitsForItsCommit() throws Exception {
		WindowLimit limit = new WindowLimit(2, Duration.ofHours(1));
		PostgreSqlWindowStore store = store();
		assertThat(store.tryAdmit("held", limit)).isEmpty();

		Optional<Duration> decision = whileLastRowHeld("held", true, () -> store.tryAdmit("held", limit));

		assertThat(decision).as("the other instance took the last row: full for an hour")
			.hasValueSatisfying((wait) -> assertThat(wait).isBetween(Duration.ofMinutes(59), Duration.ofHours(1)));
	}

	@Test
	void tryAdmitWhenLastFreeRowHeldAndGivenUpThenTakesIt() throws Exception {
		WindowLimit limit = new WindowLimit(2, Duration.ofHours(1));
		PostgreSqlWindowStore store = store();
		assertThat(store.tryAdmit("given-up", limit)).isEmpty();

		Optional<Duration> decision = whileLastRowHeld("given-up", false, () -> store.tryAdmit("given-up", limit));

		assertThat(decision).as("the other instance rolled back: the row is free").isEmpty();
	}

	/**
	 * Runs {@code call} while another connection holds the key's free row in an open
	 * transaction that uses it, then commits or rolls that transaction back.
	 */
	private Optional<Duration> whileLastRowHeld(String key, boolean commit, Callable<Optional<Duration>> call)
			throws Exception {
		try (Connection holder = postgres.getPostgresDatabase().getConnection()) {
			holder.setAutoCommit(false);
			try (var statement = holder.prepareStatement(
					"update sliding_window_slot set used_at = clock_timestamp() where window_key = ? and used_at = 'epoch'")) {
				statement.setString(1, key);
				assertThat(statement.executeUpdate()).isOne();
			}
			ExecutorService caller = Executors.newSingleThreadExecutor();
			try {
				Future<Optional<Duration>> decision = caller.submit(call);
				Thread.sleep(300);
				if (commit) {
					holder.commit();
				}
				else {
					holder.rollback();
				}
				return decision.get(10, TimeUnit.SECONDS);
			}
			finally {
				caller.shutdownNow();
			}
		}
	}

	/**
	 * After PostgreSQL restarts, the first call to ACS must not fail on a pooled
	 * connection that died with it: one used within the last 500 ms is handed out
	 * unchecked.
	 */
	@Test
	void tryAdmitWhenItsConnectionDiedThenAdmittedOnAFreshOne() {
		WindowLimit limit = new WindowLimit(50, Duration.ofHours(1));
		PostgreSqlWindowStore store = store();
		assertThat(store.tryAdmit("acs-budget:default:create", limit)).isEmpty();

		int ended = this.jdbc.sql("""
				select count(pg_terminate_backend(pid)) from pg_stat_activity
				where pid <> pg_backend_pid() and backend_type = 'client backend'""").query(Integer.class).single();

		assertThat(ended).as("the pool's backends ended").isPositive();
		assertThat(store.tryAdmit("acs-budget:default:create", limit)).isEmpty();
		assertThat(this.jdbc.sql("select count(*) from sliding_window_slot where used_at > now() - interval '1 minute'")
			.query(Long.class)
			.single()).as("two calls, two slots at most three").isBetween(2L, 3L);
	}

	private static int mostWithin(List<Long> times, Duration window) {
		int most = 0;
		for (int first = 0, last = 0; last < times.size(); last++) {
			while (times.get(last) - times.get(first) >= window.toNanos()) {
				first++;
			}
			most = Math.max(most, last - first + 1);
		}
		return most;
	}

	private PostgreSqlWindowStore store() {
		PostgreSqlWindowStore store = new PostgreSqlWindowStore(RateLimitConfiguration.windowsPool(
				new PostgreSqlConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"),
				new SharedBucketProperties(Duration.ofSeconds(1), 3, Duration.ofMillis(500), Duration.ofSeconds(1)),
				new SimpleMeterRegistry()));
		this.stores.add(store);
		return store;
	}

	private static List<Optional<Duration>> concurrently(int calls, IntFunction<Optional<Duration>> call)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			CountDownLatch gate = new CountDownLatch(1);
			List<Future<Optional<Duration>>> futures = new ArrayList<>();
			for (int n = 0; n < calls; n++) {
				int index = n;
				futures.add(pool.submit(() -> {
					gate.await();
					return call.apply(index);
				}));
			}
			gate.countDown();
			List<Optional<Duration>> decisions = new ArrayList<>();
			for (Future<Optional<Duration>> future : futures) {
				decisions.add(future.get(30, TimeUnit.SECONDS));
			}
			return decisions;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
