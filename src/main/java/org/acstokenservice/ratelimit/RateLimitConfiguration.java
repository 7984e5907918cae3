package org.acstokenservice.ratelimit;

import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.acstokenservice.fleet.BudgetedDataSource;
import org.acstokenservice.fleet.PostgreSqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The token buckets of the rate limits and the sliding windows of the ACS budget: in
 * PostgreSQL, which the fleet shares, each through a small pool of its own; on any other
 * database (H2, local mode's single instance) in memory. Decisions that the database
 * grants are observed (a span of the request).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SharedBucketProperties.class)
class RateLimitConfiguration {

	@Bean
	BucketStore bucketStore(DataSource dataSource, SharedBucketProperties properties, MeterRegistry meters,
			ObjectProvider<ObservationRegistry> observations) {
		BucketStore store = PostgreSqlConnection.of(dataSource)
			.<BucketStore>map((database) -> new PostgreSqlBucketStore(bucketsPool(database, properties, meters),
					properties.syncInterval(), meters))
			.orElseGet(InMemoryBucketStore::new);
		return new ObservedBucketStore(store, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	@Bean
	WindowStore windowStore(DataSource dataSource, SharedBucketProperties properties, MeterRegistry meters,
			ObjectProvider<ObservationRegistry> observations) {
		WindowStore store = PostgreSqlConnection.of(dataSource)
			.<WindowStore>map((database) -> new PostgreSqlWindowStore(
					new BudgetedDataSource(windowsPool(database, properties, meters))))
			.orElseGet(InMemoryWindowStore::new);
		return new ObservedWindowStore(store, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	static HikariDataSource bucketsPool(PostgreSqlConnection database, SharedBucketProperties buckets,
			MeterRegistry meters) {
		// A request waits for its bucket about a second at most.
		return pool("fleet-buckets", buckets.poolSize(), 1, 500, database, buckets, meters);
	}

	/**
	 * The windows' own pool (the ACS budget's): a flood that keeps the buckets' pool busy
	 * cannot hold back the calls to ACS that new users and fresh tokens need. Its
	 * connections are open from the start, and a call waits up to a second for one: a
	 * cold start's burst of first tokens takes a statement each.
	 */
	static HikariDataSource windowsPool(PostgreSqlConnection database, SharedBucketProperties buckets,
			MeterRegistry meters) {
		return pool("fleet-windows", 4, 4, 1000, database, buckets, meters);
	}

	private static HikariDataSource pool(String name, int size, int idle, long connectionTimeoutMillis,
			PostgreSqlConnection database, SharedBucketProperties buckets, MeterRegistry meters) {
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		config.setJdbcUrl(database.url());
		config.setUsername(database.username());
		config.setPassword(database.password());
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(idle);
		config.setConnectionTimeout(connectionTimeoutMillis);
		config.setValidationTimeout(400);
		config.setInitializationFailTimeout(-1);
		config.setConnectionInitSql("SET lock_timeout = " + buckets.lockTimeout().toMillis()
				+ "; SET statement_timeout = " + buckets.statementTimeout().toMillis());
		config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
		return new HikariDataSource(config);
	}

	@Bean
	BucketCleanup bucketCleanup(BucketStore buckets) {
		return new BucketCleanup(buckets);
	}

	/**
	 * Keeps the shared buckets' table small. Public, as the scheduler lock's proxy needs.
	 */
	public static class BucketCleanup {

		private static final Logger logger = LoggerFactory.getLogger(BucketCleanup.class);

		private final BucketStore buckets;

		BucketCleanup(BucketStore buckets) {
			this.buckets = buckets;
		}

		/**
		 * Every minute, on one instance: rows of full buckets go, a batch at a time until
		 * none is left, so that a flood of new keys (rotating addresses) cannot grow the
		 * table for longer than a bucket's period and a minute.
		 */
		@Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
		@SchedulerLock(name = "rate-limit-bucket-cleanup")
		public void deleteFullBuckets() {
			BucketStore store = (this.buckets instanceof ObservedBucketStore observed) ? observed.store()
					: this.buckets;
			if (store instanceof PostgreSqlBucketStore shared) {
				int deleted = shared.deleteFullBuckets();
				if (deleted > 0) {
					logger.debug("Deleted {} full buckets", deleted);
				}
			}
		}

	}

}
