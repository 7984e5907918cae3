package org.acstokenservice.fleet;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * What the instances of a fleet share through the database: the token buckets of the rate
 * limits and the ACS budget, and the locks that let one instance at a time run a
 * background job.
 */
@Configuration(proxyBeanMethods = false)
/*
 * One switch for the background jobs (deletion retries, audit retention, bucket
 * clean-up); each runs on one instance at a time, and a lock outlives a dead instance by
 * 10 min at most.
 */
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "10m")
@EnableConfigurationProperties(FleetProperties.class)
class FleetConfiguration {

	/**
	 * The rate limits' and the ACS budget's buckets: in PostgreSQL, which the fleet
	 * shares, through a small pool of their own; on any other database (H2, local mode's
	 * single instance) in memory. Each decision is observed (a span of the request).
	 */
	@Bean
	BucketStore bucketStore(DataSource dataSource, FleetProperties properties, MeterRegistry meters,
			ObjectProvider<ObservationRegistry> observations) {
		BucketStore store = PostgreSqlConnection.of(dataSource)
			.<BucketStore>map((database) -> new PostgreSqlBucketStore(
					bucketsPool(database, properties.buckets(), meters), properties.buckets().syncInterval(), meters))
			.orElseGet(InMemoryBucketStore::new);
		return new ObservedBucketStore(store, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	static HikariDataSource bucketsPool(PostgreSqlConnection database, FleetProperties.Buckets buckets,
			MeterRegistry meters) {
		HikariConfig config = new HikariConfig();
		config.setPoolName("fleet-buckets");
		config.setJdbcUrl(database.url());
		config.setUsername(database.username());
		config.setPassword(database.password());
		config.setMaximumPoolSize(buckets.poolSize());
		config.setMinimumIdle(1);
		// A request waits for its bucket at most about a second, whatever the database
		// does.
		config.setConnectionTimeout(500);
		config.setValidationTimeout(400);
		config.setInitializationFailTimeout(-1);
		config.setConnectionInitSql("SET lock_timeout = " + buckets.lockTimeout().toMillis()
				+ "; SET statement_timeout = " + buckets.statementTimeout().toMillis());
		config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
		return new HikariDataSource(config);
	}

	/**
	 * How an instance hears of what other instances change: PostgreSQL's
	 * {@code LISTEN}/{@code NOTIFY}; on any other database (one instance) nothing to
	 * hear.
	 */
	@Bean
	ChangeFeed changeFeed(DataSource dataSource, FleetProperties properties, MeterRegistry meters) {
		FleetProperties.Changes changes = properties.changes();
		return PostgreSqlConnection.of(dataSource)
			.<ChangeFeed>map(
					(database) -> new PostgreSqlChangeFeed(database, changes.heartbeat(), changes.maxDelay(), meters))
			.orElseGet(LocalChangeFeed::new);
	}

	@Bean
	DatabaseClock databaseClock(JdbcClient jdbc, Clock clock, MeterRegistry meters) {
		return new DatabaseClock(jdbc, clock, meters);
	}

	@Bean
	FleetMaintenance fleetMaintenance(BucketStore buckets, DatabaseClock clock) {
		return new FleetMaintenance(buckets, clock);
	}

	/**
	 * The background jobs' lock rows ({@code shedlock}), on the database's clock: a job
	 * annotated {@code @SchedulerLock} runs on one instance of the fleet at a time.
	 */
	@Bean
	LockProvider lockProvider(DataSource dataSource) {
		return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
			.withJdbcTemplate(new JdbcTemplate(dataSource))
			.usingDbTime()
			.build());
	}

	/**
	 * Measures the database's clock against this instance's, and keeps the shared
	 * buckets' table small.
	 */
	public static class FleetMaintenance {

		private static final Logger logger = LoggerFactory.getLogger(FleetMaintenance.class);

		private final BucketStore buckets;

		private final DatabaseClock clock;

		FleetMaintenance(BucketStore buckets, DatabaseClock clock) {
			this.buckets = buckets;
			this.clock = clock;
		}

		@Scheduled(fixedDelay = 1, initialDelay = 0, timeUnit = TimeUnit.MINUTES)
		public void measureClock() {
			this.clock.measure();
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
