package org.acstokenservice.ratelimit;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.fleet.PostgreSqlConnection;
import org.acstokenservice.testsupport.IntegrationTest;
import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The shared buckets on a real PostgreSQL, several stores standing for several instances
 * of a fleet.
 */
@IntegrationTest
class PostgreSqlBucketStoreTests {

	private static final Duration SYNC = Duration.ofHours(1);

	private static EmbeddedPostgres postgres;

	private final JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());

	private final List<PostgreSqlBucketStore> stores = new ArrayList<>();

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
	void noBuckets() {
		this.jdbc.sql("delete from rate_limit_bucket").update();
	}

	@AfterEach
	void closeStores() {
		this.stores.forEach(PostgreSqlBucketStore::close);
	}

	@Test
	void tryConsumeWhenSharedBucketUsedByThreeInstancesAtOnceThenCapacityAndATenthAtMost() throws Exception {
		BucketLimit limit = BucketLimit.shared(64, Duration.ofHours(1));
		List<PostgreSqlBucketStore> fleet = List.of(store(), store(), store());
		alive(fleet);

		int granted = concurrently(300, (n) -> fleet.get(n % 3).tryConsume("token:alice", limit));

		assertThat(granted).as("at least the capacity, at most a tenth more however many instances")
			.isBetween(limit.capacity(), limit.capacity() + limit.capacity() / 10);
	}

	@Test
	void tryConsumeWhenSharedBucketGrantedAheadThenRepaidBeforeItGrantsAgain() {
		BucketLimit limit = BucketLimit.shared(40, Duration.ofHours(1));
		PostgreSqlBucketStore one = store();
		PostgreSqlBucketStore other = store();
		alive(List.of(one, other));
		int granted = 0;
		for (int i = 0; i < 100; i++) {
			granted += one.tryConsume("token:bob", limit).isEmpty() ? 1 : 0;
			granted += other.tryConsume("token:bob", limit).isEmpty() ? 1 : 0;
		}
		one.synchronize();
		other.synchronize();

		assertThat(limit.localShare(2)).isEqualTo(2);
		assertThat(granted).isBetween(40, 40 + limit.localShare(2));
		assertThat(tokens("token:bob")).as("what was granted ahead is owed").isCloseTo(40.0 - granted, within(0.1));
	}

	@Test
	void tryConsumeWhenATenthIsLessThanAnEventPerInstanceThenExact() throws Exception {
		BucketLimit limit = BucketLimit.shared(20, Duration.ofHours(1));
		List<PostgreSqlBucketStore> fleet = List.of(store(), store(), store());
		aliveAndRead(fleet, limit);

		int granted = concurrently(90, (n) -> fleet.get(n % 3).tryConsume("token:ivan", limit));

		assertThat(limit.localShare(3)).isZero();
		assertThat(granted).isEqualTo(20);
	}

	@Test
	void tryConsumeWhenSharedExactlyAndBucketsFullThenNoStatementOnTheRequest() {
		BucketLimit limit = BucketLimit.shared(20, Duration.ofMinutes(1));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		List<PostgreSqlBucketStore> fleet = List.of(store(meters), store(meters), store(meters));
		aliveAndRead(fleet, limit);
		long before = statements(meters);

		for (int i = 0; i < 60; i++) {
			assertThat(fleet.get(i % 3).tryConsume("token:reader-" + i / 3, limit)).isEmpty();
		}

		assertThat(limit.localShare(3)).isZero();
		assertThat(statements(meters)).as("statements run by requests, each user once on each instance")
			.isEqualTo(before);
		fleet.forEach(PostgreSqlBucketStore::synchronize);
		assertThat(tokens("token:reader-0")).as("told in the batch").isCloseTo(17.0, within(0.5));
	}

	@Test
	void tryConsumeWhenFullBucketDrainedOnOneInstanceThenTheOthersGrantsAreKeptForThem() {
		BucketLimit limit = BucketLimit.shared(20, Duration.ofHours(1));
		List<PostgreSqlBucketStore> fleet = List.of(store(), store(), store());
		aliveAndRead(fleet, limit);
		int granted = 0;

		for (int i = 0; i < 40; i++) {
			granted += fleet.get(0).tryConsume("token:mallory", limit).isEmpty() ? 1 : 0;
		}
		assertThat(granted).as("the last two kept for the other instances, which saw the bucket full").isEqualTo(18);
		for (int i = 0; i < 10; i++) {
			granted += fleet.get(1).tryConsume("token:mallory", limit).isEmpty() ? 1 : 0;
			granted += fleet.get(2).tryConsume("token:mallory", limit).isEmpty() ? 1 : 0;
		}

		assertThat(granted).as("one each, from what was kept: never more than the capacity").isEqualTo(20);
		fleet.forEach(PostgreSqlBucketStore::synchronize);
		assertThat(tokens("token:mallory")).isCloseTo(0.0, within(0.2));
	}

	@Test
	void tryConsumeWhenFleetGrowsThenBucketsInUseTakeTheSmallerShare() throws Exception {
		BucketLimit limit = BucketLimit.shared(20, Duration.ofHours(1));
		PostgreSqlBucketStore first = store();
		alive(List.of(first));
		assertThat(first.tryConsume("token:judy", limit)).as("a share of two, alone").isEmpty();
		List<PostgreSqlBucketStore> fleet = List.of(first, store(), store());
		alive(fleet);

		int granted = 1 + concurrently(90, (n) -> fleet.get(n % 3).tryConsume("token:judy", limit));

		assertThat(granted).as("exact, now that a tenth is less than an event per instance").isEqualTo(20);
	}

	@Test
	void tryConsumeWhenExactBucketUsedByThreeInstancesAtOnceThenNeverMoreThanCapacity() throws Exception {
		BucketLimit limit = BucketLimit.exact(10, Duration.ofHours(1));
		List<PostgreSqlBucketStore> fleet = List.of(store(), store(), store());

		int granted = concurrently(120, (n) -> fleet.get(n % 3).tryConsume("acs-budget", limit));

		assertThat(granted).isEqualTo(10);
	}

	@Test
	void tryConsumeWhenBucketEmptyThenRefusedFromMemoryWithoutAStatement() {
		BucketLimit limit = BucketLimit.exact(2, Duration.ofMinutes(10));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		PostgreSqlBucketStore store = store(meters);
		assertThat(store.tryConsume("lookup:carol", limit)).isEmpty();
		assertThat(store.tryConsume("lookup:carol", limit)).isEmpty();
		assertThat(store.tryConsume("lookup:carol", limit)).isPresent();
		long statements = statements(meters);

		for (int i = 0; i < 1000; i++) {
			Optional<Duration> wait = store.tryConsume("lookup:carol", limit);
			assertThat(wait).hasValueSatisfying(
					(duration) -> assertThat(duration).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5)));
		}

		assertThat(statements(meters)).isEqualTo(statements);
	}

	@Test
	void tryConsumeWhenMadeUpKeysPastTheirShareThenNoStatementOnTheRequestAndTheAllowanceStillHeld() throws Exception {
		BucketLimit limit = BucketLimit.background(10, Duration.ofHours(1));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		List<PostgreSqlBucketStore> fleet = List.of(store(meters), store(meters), store(meters));
		int granted = 0;

		for (int round = 0; round < 8; round++) {
			long before = statements(meters);
			granted += concurrently(90, (n) -> fleet.get(n % 3).tryConsume("sign-in:2001:db8:ab:1::/64", limit));
			assertThat(statements(meters)).as("statements run by requests").isEqualTo(before);
			for (PostgreSqlBucketStore store : fleet) {
				store.synchronize();
			}
		}

		assertThat(granted).as("the allowance, and at most two other instances' local shares more")
			.isBetween(limit.capacity(), limit.capacity() + 2 * limit.localShare(3));
		assertThat(tokens("sign-in:2001:db8:ab:1::/64")).isCloseTo(10.0 - granted, within(0.1));
	}

	@Test
	void tryConsumeWithinLocalShareThenNoStatementUntilTheBatch() {
		BucketLimit limit = BucketLimit.shared(1000, Duration.ofMinutes(1));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		PostgreSqlBucketStore store = store(meters);

		for (int i = 0; i < 50; i++) {
			assertThat(store.tryConsume("token:user-" + i, limit)).isEmpty();
		}
		assertThat(statements(meters)).isZero();
		store.synchronize();

		assertThat(statements(meters)).as("one batch for every bucket").isOne();
		assertThat(this.jdbc.sql("select count(*) from rate_limit_bucket").query(Long.class).single()).isEqualTo(50);
		assertThat(tokens("token:user-7")).isCloseTo(999.0, within(0.1));
	}

	@Test
	void tryConsumeWhenCapacityLoweredAfterRestartThenNewCapacityApplies() {
		PostgreSqlBucketStore before = store();
		for (int i = 0; i < 2; i++) {
			before.tryConsume("token:dave", BucketLimit.shared(8, Duration.ofHours(1)));
		}
		before.close();

		PostgreSqlBucketStore restarted = store();
		BucketLimit lowered = BucketLimit.shared(3, Duration.ofHours(1));
		int granted = 0;
		for (int i = 0; i < 10; i++) {
			granted += restarted.tryConsume("token:dave", lowered).isEmpty() ? 1 : 0;
		}

		assertThat(granted).isEqualTo(3);
	}

	@Test
	void tryConsumeWhenInstancesClocksDifferThenRefilledOnTheDatabasesClockAlone() {
		BucketLimit limit = BucketLimit.exact(5, Duration.ofMinutes(10));
		PostgreSqlBucketStore store = store();
		for (int i = 0; i < 5; i++) {
			assertThat(store.tryConsume("token:erin", limit)).isEmpty();
		}

		assertThat(store().tryConsume("token:erin", limit)).as("another instance, whatever its clock").isPresent();
	}

	@Test
	void tryConsumeWhenBucketRowLockedElsewhereThenLimitedWithinAboutASecond() throws Exception {
		BucketLimit limit = BucketLimit.exact(5, Duration.ofMinutes(10));
		PostgreSqlBucketStore store = store();
		assertThat(store.tryConsume("token:frank", limit)).isEmpty();
		try (Connection holder = postgres.getPostgresDatabase().getConnection()) {
			holder.setAutoCommit(false);
			holder.createStatement().execute("select * from rate_limit_bucket where id = 'token:frank' for update");
			long start = System.nanoTime();

			Optional<Duration> wait = store().tryConsume("token:frank", limit);

			assertThat(wait).contains(PostgreSqlBucketStore.BUSY_RETRY_AFTER);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
			holder.rollback();
		}
	}

	@Test
	void tryConsumeWhenTheLeadersStatementOutlastsTheWaitThenLimitedInTimeAndTheBucketStillRight() throws Exception {
		BucketLimit limit = BucketLimit.exact(5, Duration.ofMinutes(10));
		// A slow database: the pool lets a statement wait 4 s for a lock.
		SharedBucketProperties slow = new SharedBucketProperties(SYNC, 3, Duration.ofSeconds(4), Duration.ofSeconds(5));
		PostgreSqlBucketStore store = register(new PostgreSqlBucketStore(RateLimitConfiguration.bucketsPool(
				new PostgreSqlConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"), slow,
				new SimpleMeterRegistry()), SYNC, new SimpleMeterRegistry()));
		assertThat(store.tryConsume("token:grace", limit)).isEmpty();
		try (Connection holder = postgres.getPostgresDatabase().getConnection()) {
			holder.setAutoCommit(false);
			holder.createStatement().execute("select * from rate_limit_bucket where id = 'token:grace' for update");
			long start = System.nanoTime();

			Optional<Duration> wait = store.tryConsume("token:grace", limit);

			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			assertThat(wait).contains(PostgreSqlBucketStore.BUSY_RETRY_AFTER);
			assertThat(waited).as("the request leads its bucket's statement, and waits no longer than any request")
				.isLessThan(PostgreSqlBucketStore.MAX_WAIT.plusSeconds(1));
			holder.rollback();
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.tryConsume("token:grace", limit).isEmpty());
		int granted = 1;
		while (granted < 10 && store.tryConsume("token:grace", limit).isEmpty()) {
			granted++;
		}
		assertThat(granted).as("what the bucket still held, once the statement in the background ended").isEqualTo(4);
	}

	@Test
	void deleteFullBucketsWhenManyFullThenAllGoneInBatchesAndOthersKept() {
		this.jdbc
			.sql("insert into rate_limit_bucket (id, tokens, capacity, period_ms, updated_at, full_at) "
					+ "select 'sign-in:' || n, 10, 10, 60000, now() - interval '5 minutes', "
					+ "now() - interval '2 minutes' from generate_series(1, ?) n")
			.param(BucketTable.CLEANUP_BATCH * 2 + 17)
			.update();
		store().tryConsume("token:grace", BucketLimit.exact(5, Duration.ofMinutes(10)));

		assertThat(store().deleteFullBuckets()).isEqualTo(BucketTable.CLEANUP_BATCH * 2 + 17);
		assertThat(this.jdbc.sql("select id from rate_limit_bucket").query(String.class).list())
			.containsExactly("token:grace");
	}

	/**
	 * A client rotating addresses makes a row per address, and each row goes once its
	 * bucket has been full again for a while: the table holds at most the keys used
	 * within the time to refill, that while and one clean-up interval. The time is moved
	 * on in the table; the figures are printed for docs/benchmarks.md.
	 */
	@Test
	void tableWhenAddressesRotateThenOneRowPerKeyAndEmptyOnceFullAgain() throws Exception {
		BucketLimit limit = BucketLimit.shared(10, Duration.ofSeconds(30));
		PostgreSqlBucketStore store = store();
		int addresses = 20_000;
		for (int n = 0; n < addresses; n++) {
			store.tryConsume("sign-in:198.18." + (n >> 8) + "." + (n & 0xff), limit);
		}
		store.synchronize();
		long bytes = this.jdbc.sql("select pg_total_relation_size('rate_limit_bucket')").query(Long.class).single();

		assertThat(this.jdbc.sql("select count(*) from rate_limit_bucket").query(Long.class).single())
			.isEqualTo(addresses);
		this.jdbc.sql("update rate_limit_bucket set full_at = now() - interval '1 hour'").update();
		long start = System.nanoTime();
		int deleted = store.deleteFullBuckets();
		long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();

		assertThat(deleted).isEqualTo(addresses);
		assertThat(this.jdbc.sql("select count(*) from rate_limit_bucket").query(Long.class).single()).isZero();
		System.out.printf("%d rotating addresses: %d rows, %d kB; all deleted by one clean-up in %d ms%n", addresses,
				deleted, bytes / 1024, millis);
	}

	@Test
	void tryConsumeWhenDatabaseUnreachableThenDataAccessFailure() throws IOException {
		int port;
		try (ServerSocket closed = new ServerSocket(0)) {
			port = closed.getLocalPort();
		}
		PostgreSqlBucketStore store = register(new PostgreSqlBucketStore(RateLimitConfiguration.bucketsPool(
				new PostgreSqlConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres"),
				properties(), new SimpleMeterRegistry()), SYNC, new SimpleMeterRegistry()));

		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> store.tryConsume("token:heidi", BucketLimit.exact(5, Duration.ofMinutes(1))));
	}

	/** Runs n requests on as many threads at once. @return how many were granted */
	private static int concurrently(int n, java.util.function.IntFunction<Optional<Duration>> request)
			throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(32);
		try {
			CountDownLatch start = new CountDownLatch(1);
			AtomicInteger granted = new AtomicInteger();
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				int index = i;
				running.add(threads.submit(() -> {
					start.await();
					if (request.apply(index).isEmpty()) {
						granted.incrementAndGet();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : running) {
				future.get(30, TimeUnit.SECONDS);
			}
			return granted.get();
		}
		finally {
			threads.shutdownNow();
		}
	}

	/**
	 * Each store grants from the limit once and says it is alive, then each counts them
	 * all and reads which of the limit's buckets are not full.
	 */
	private static void aliveAndRead(List<PostgreSqlBucketStore> fleet, BucketLimit limit) {
		alive(fleet);
		fleet.forEach((store) -> store.tryConsume("token:warm-up", limit));
		fleet.forEach(PostgreSqlBucketStore::synchronize);
	}

	/** Each store says it is alive, then each counts them all. */
	private static void alive(List<PostgreSqlBucketStore> fleet) {
		fleet.forEach(PostgreSqlBucketStore::synchronize);
		fleet.forEach(PostgreSqlBucketStore::synchronize);
		assertThat(fleet).allSatisfy((store) -> assertThat(store.instances()).isEqualTo(fleet.size()));
	}

	private double tokens(String key) {
		return this.jdbc.sql("select tokens from rate_limit_bucket where id = ?")
			.param(key)
			.query(Double.class)
			.single();
	}

	private static long statements(MeterRegistry meters) {
		return meters.get("acs.fleet.bucket.statements").timer().count();
	}

	private PostgreSqlBucketStore store() {
		return store(new SimpleMeterRegistry());
	}

	/**
	 * An instance's store, which synchronises in the background only when a test asks.
	 */
	private PostgreSqlBucketStore store(MeterRegistry meters) {
		return register(new PostgreSqlBucketStore(RateLimitConfiguration.bucketsPool(
				new PostgreSqlConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"),
				properties(), meters), SYNC, meters));
	}

	private PostgreSqlBucketStore register(PostgreSqlBucketStore store) {
		this.stores.add(store);
		return store;
	}

	private static SharedBucketProperties properties() {
		return new SharedBucketProperties(SYNC, 3, Duration.ofMillis(500), Duration.ofSeconds(1));
	}

}
