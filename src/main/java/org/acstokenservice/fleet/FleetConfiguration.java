package org.acstokenservice.fleet;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
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
class FleetConfiguration {

	/**
	 * The rate limits' and the ACS budget's buckets: in PostgreSQL, which the fleet
	 * shares; on any other database (H2, local mode's single instance) in memory.
	 */
	@Bean
	BucketStore bucketStore(DataSource dataSource, Clock clock, MeterRegistry meters) throws SQLException {
		String database;
		try (Connection connection = dataSource.getConnection()) {
			database = connection.getMetaData().getDatabaseProductName();
		}
		return "PostgreSQL".equals(database) ? new PostgreSqlBucketStore(dataSource, clock, meters)
				: new InMemoryBucketStore();
	}

	@Bean
	SharedBucketsMaintenance sharedBucketsMaintenance(BucketStore buckets) {
		return new SharedBucketsMaintenance(buckets);
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
	 * Keeps the shared buckets' clock in step with the database's, and their table small.
	 */
	public static class SharedBucketsMaintenance {

		private final BucketStore buckets;

		SharedBucketsMaintenance(BucketStore buckets) {
			this.buckets = buckets;
		}

		@Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
		public void synchronizeClock() {
			if (this.buckets instanceof PostgreSqlBucketStore shared) {
				shared.synchronizeClock();
			}
		}

		@Scheduled(fixedDelay = 10, initialDelay = 10, timeUnit = TimeUnit.MINUTES)
		@SchedulerLock(name = "rate-limit-bucket-cleanup")
		public void deleteFullBuckets() {
			if (this.buckets instanceof PostgreSqlBucketStore shared) {
				shared.deleteFullBuckets();
			}
		}

	}

}
