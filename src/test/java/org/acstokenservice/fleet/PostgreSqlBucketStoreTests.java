package org.acstokenservice.fleet;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The shared buckets on a real PostgreSQL, two stores standing for two instances whose
 * clocks are ten minutes apart.
 */
class PostgreSqlBucketStoreTests {

	private static final BucketConfiguration FIVE_PER_TEN_MINUTES = BucketConfiguration.builder()
		.addLimit(Bandwidth.builder().capacity(5).refillGreedy(5, Duration.ofMinutes(10)).build())
		.build();

	private static EmbeddedPostgres postgres;

	private final JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());

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

	@Test
	void tryConsumeWhenInstancesClocksDifferThenOneAllowanceOnTheDatabasesClock() {
		PostgreSqlBucketStore onTime = store(Duration.ZERO);
		PostgreSqlBucketStore ahead = store(Duration.ofMinutes(10));

		long allowed = 0;
		for (int i = 0; i < 20; i++) {
			PostgreSqlBucketStore instance = (i % 2 == 0) ? onTime : ahead;
			if (instance.tryConsume("token:alice", FIVE_PER_TEN_MINUTES).isEmpty()) {
				allowed++;
			}
		}

		assertThat(allowed).as("a clock ten minutes ahead refills nothing").isEqualTo(5);
		Optional<Duration> wait = ahead.tryConsume("token:alice", FIVE_PER_TEN_MINUTES);
		assertThat(wait).hasValueSatisfying(
				(duration) -> assertThat(duration).isBetween(Duration.ofMinutes(1), Duration.ofMinutes(2)));
	}

	@Test
	void tryConsumeWhenKeysDifferThenBucketsOfTheirOwn() {
		PostgreSqlBucketStore store = store(Duration.ZERO);
		for (int i = 0; i < 5; i++) {
			assertThat(store.tryConsume("token:bob", FIVE_PER_TEN_MINUTES)).isEmpty();
		}

		assertThat(store.tryConsume("token:bob", FIVE_PER_TEN_MINUTES)).isPresent();
		assertThat(store.tryConsume("lookup:bob", FIVE_PER_TEN_MINUTES)).isEmpty();
	}

	@Test
	void deleteFullBucketsWhenFullAgainThenOnlyThoseRowsGone() {
		PostgreSqlBucketStore store = store(Duration.ZERO);
		store.tryConsume("token:carol", FIVE_PER_TEN_MINUTES);
		store.tryConsume("token:dave", FIVE_PER_TEN_MINUTES);
		assertThat(store.deleteFullBuckets()).as("nothing is full yet").isZero();

		// Carol's bucket is full again (its expiry passed); Dave's is not.
		this.jdbc.sql("update rate_limit_bucket set expires_at = 0 where id = 'token:carol'").update();

		assertThat(store.deleteFullBuckets()).isOne();
		assertThat(this.jdbc.sql("select id from rate_limit_bucket").query(String.class).list())
			.containsExactly("token:dave");
	}

	@Test
	void synchronizeClockWhenInstanceClockAheadThenOffsetMeasuredAndExposed() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		new PostgreSqlBucketStore(postgres.getPostgresDatabase(),
				Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)), meters);

		assertThat(meters.get("acs.clock.offset").gauge().value()).isCloseTo(-600, within(1.0));
	}

	@Test
	void tryConsumeWhenDatabaseUnreachableThenResourceFailure() throws IOException {
		PGSimpleDataSource unreachable = new PGSimpleDataSource();
		try (ServerSocket closed = new ServerSocket(0)) {
			unreachable.setPortNumbers(new int[] { closed.getLocalPort() });
		}
		unreachable.setServerNames(new String[] { "127.0.0.1" });
		PostgreSqlBucketStore store = new PostgreSqlBucketStore(unreachable, Clock.systemUTC(),
				new SimpleMeterRegistry());

		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> store.tryConsume("token:erin", FIVE_PER_TEN_MINUTES));
	}

	/** A store whose instance's clock is {@code offset} from the database's. */
	private PostgreSqlBucketStore store(Duration offset) {
		Clock clock = Clock.offset(Clock.systemUTC(), offset);
		return new PostgreSqlBucketStore(postgres.getPostgresDatabase(), clock, new SimpleMeterRegistry());
	}

}
