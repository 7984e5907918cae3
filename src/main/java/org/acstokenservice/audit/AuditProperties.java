package org.acstokenservice.audit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audit trail.
 *
 * @param retention how long entries are kept in the database; older ones are deleted. On
 * PostgreSQL a day's entries go together, once the day's end is older than this: an entry
 * is kept up to a day (and a purge interval) longer
 * @param purgeInterval how often old entries are looked for (on one instance of the fleet
 * at a time), and on PostgreSQL the days' partitions made ahead
 * @param flushInterval how long at most an entry waits before it is written to the
 * database (entries are written in batches, off the request threads)
 * @param queueCapacity how many entries may wait to be written; when that many wait, a
 * request waits for room rather than lose its entry
 * @param maxWait how long a request waits at most for the audit trail, room in the queue
 * and, when its entry must be committed before the answer, the commit together; then it
 * is answered 503 {@code database_unavailable}
 * @param partitionsAhead on PostgreSQL, for how many days after today the days'
 * partitions of the trail are made ahead; entries of a day without one still go in (to a
 * default partition), and are moved to their day's when it is made
 * @param lockTimeout on PostgreSQL, how long the retention's statements wait at most for
 * their lock (a day's partition is detached under a lock of the whole table, behind which
 * inserts and reads queue); when that is not enough, it tries again in the next round
 */
@ConfigurationProperties("token-service.audit")
record AuditProperties(@DefaultValue("90d") Duration retention, @DefaultValue("1h") Duration purgeInterval,
		@DefaultValue("200ms") Duration flushInterval, @DefaultValue("10000") int queueCapacity,
		@DefaultValue("2s") Duration maxWait, @DefaultValue("7") int partitionsAhead,
		@DefaultValue("200ms") Duration lockTimeout) {

	AuditProperties {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException("token-service.audit.retention must be positive");
		}
		if (flushInterval.isNegative() || flushInterval.isZero()
				|| flushInterval.compareTo(Duration.ofSeconds(1)) > 0) {
			throw new IllegalArgumentException("token-service.audit.flush-interval must be positive and at most 1s");
		}
		if (queueCapacity < 1 || maxWait.isNegative() || maxWait.isZero()) {
			throw new IllegalArgumentException(
					"token-service.audit.queue-capacity must be at least 1 and token-service.audit.max-wait positive");
		}
		if (partitionsAhead < 1 || lockTimeout.isNegative() || lockTimeout.isZero()) {
			throw new IllegalArgumentException("token-service.audit.partitions-ahead must be at least 1 and "
					+ "token-service.audit.lock-timeout positive");
		}
	}

}
