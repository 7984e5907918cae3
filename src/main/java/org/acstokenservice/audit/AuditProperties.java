package org.acstokenservice.audit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audit trail.
 *
 * @param retention how long entries are kept in the database; older ones are deleted
 * @param purgeInterval how often old entries are looked for
 * @param flushInterval how long at most an entry waits before it is written to the
 * database (entries are written in batches, off the request threads)
 * @param queueCapacity how many entries may wait to be written; when that many wait, a
 * request waits for room rather than lose its entry
 * @param maxWait how long a request waits at most for the audit trail, room in the queue
 * and, when its entry must be committed before the answer, the commit together; then it
 * is answered 503 {@code database_unavailable}
 */
@ConfigurationProperties("token-service.audit")
record AuditProperties(@DefaultValue("90d") Duration retention, @DefaultValue("1h") Duration purgeInterval,
		@DefaultValue("200ms") Duration flushInterval, @DefaultValue("10000") int queueCapacity,
		@DefaultValue("2s") Duration maxWait) {

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
	}

}
