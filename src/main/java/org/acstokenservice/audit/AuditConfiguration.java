package org.acstokenservice.audit;

import java.time.Clock;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.acstokenservice.fleet.PostgreSqlConnection;
import org.acstokenservice.ratelimit.BucketStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

	@Bean
	AuditRetention auditRetention(AuditTrail trail, AuditProperties properties, Clock clock) {
		return new AuditRetention(trail, properties, clock);
	}

	/** Deletes audit entries past their retention. */
	static class AuditRetention {

		private static final Logger logger = LoggerFactory.getLogger(AuditRetention.class);

		private final AuditTrail trail;

		private final AuditProperties properties;

		private final Clock clock;

		AuditRetention(AuditTrail trail, AuditProperties properties, Clock clock) {
			this.trail = trail;
			this.properties = properties;
			this.clock = clock;
		}

		/**
		 * On one instance of the fleet at a time, and not again on another within a
		 * minute.
		 */
		@Scheduled(fixedDelayString = "${token-service.audit.purge-interval:1h}",
				initialDelayString = "${token-service.audit.purge-interval:1h}")
		@SchedulerLock(name = "audit-purge", lockAtLeastFor = "1m")
		public void purge() {
			int purged = this.trail.purgeOlderThan(this.clock.instant().minus(this.properties.retention()));
			if (purged > 0) {
				logger.info("Purged {} audit entries older than {}", purged, this.properties.retention());
			}
		}

	}

}
