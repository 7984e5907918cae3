package org.acstokenservice.audit;

import java.time.Clock;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.acstokenservice.fleet.PostgreSqlConnection;
import org.acstokenservice.ratelimit.BucketStore;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionOperations;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ AuditProperties.class, ReuseHitProperties.class, ErasureProperties.class })
class AuditConfiguration {

	@Bean
	AuditWriter auditWriter(JdbcTemplate jdbc, TransactionOperations transactions, AuditProperties properties,
			MeterRegistry meters) {
		return new AuditWriter(jdbc, transactions, properties.queueCapacity(), properties.flushInterval(),
				properties.maxWait(), meters);
	}

	@Bean
	ReuseHits reuseHits(JdbcTemplate jdbc, TransactionOperations transactions, DataSource dataSource,
			ReuseHitProperties properties, Clock clock, MeterRegistry meters) {
		boolean postgreSql = PostgreSqlConnection.of(dataSource).isPresent();
		return new ReuseHits(new ReuseHitRows(jdbc, transactions, postgreSql), properties, clock, meters);
	}

	@Bean
	AuditTrail auditTrail(JdbcClient jdbc, AuditWriter writer, ReuseHits reuseHits, ReuseHitProperties reuse,
			ErasureProperties erasure, MeterRegistry meters, Clock clock, BucketStore buckets) {
		return new AuditTrail(jdbc, writer, reuseHits, reuse.log(), new ErasedUsers(jdbc, erasure), meters, clock,
				buckets);
	}

	@Bean
	SubjectTrail subjectTrail(JdbcClient jdbc, AuditTrail trail) {
		return new SubjectTrail(jdbc, trail);
	}

	/**
	 * The retention's job: by the day's partition on PostgreSQL, by a delete on H2 (local
	 * mode's one instance).
	 */
	@Bean
	RetentionJob auditRetention(DataSource dataSource, JdbcClient jdbc, TransactionOperations transactions,
			AuditWriter writer, AuditProperties properties, Clock clock) {
		AuditRetention retention = PostgreSqlConnection.of(dataSource).isPresent()
				? new PartitionedAuditRetention(new JdbcTemplate(dataSource), transactions, clock, properties)
				: new DeletingAuditRetention(jdbc, writer, clock, properties.retention());
		return new RetentionJob(retention);
	}

	/** Removes audit entries past their retention. */
	static class RetentionJob {

		private final AuditRetention retention;

		RetentionJob(AuditRetention retention) {
			this.retention = retention;
		}

		/**
		 * On one instance of the fleet at a time, and not again on another within a
		 * minute; first a minute after start-up, so that a new database has its days'
		 * partitions before the first purge interval has passed.
		 */
		@Scheduled(fixedDelayString = "${token-service.audit.purge-interval:1h}", initialDelayString = "1m")
		@SchedulerLock(name = "audit-purge", lockAtLeastFor = "1m")
		public void purge() {
			this.retention.enforce();
		}

	}

}
