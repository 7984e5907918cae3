package org.acstokenservice.audit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the audit trail keeps reuse hits (a token handed back again): counted per user,
 * resource and period in each instance's memory, and added to that period's one row in
 * batches.
 *
 * @param period the span of one row: a user's reuse hits in one resource within a period
 * (aligned to the epoch, in UTC) are one row with their count and their first and last
 * time; between 1 minute and 1 day
 * @param flushInterval how often an instance adds its counts to the rows; a process
 * killed (not stopped) loses at most the counts of one interval, and a graceful stop
 * writes them; between 1 second and 5 minutes
 * @param log whether each reuse hit is also a line of the structured {@code audit} log,
 * as every other event is (for a SIEM that counts page loads); off, only the rows count
 * them
 */
@ConfigurationProperties("token-service.audit.reuse-hits")
record ReuseHitProperties(@DefaultValue("1h") Duration period, @DefaultValue("10s") Duration flushInterval,
		@DefaultValue("false") boolean log) {

	ReuseHitProperties {
		if (period.compareTo(Duration.ofMinutes(1)) < 0 || period.compareTo(Duration.ofDays(1)) > 0) {
			throw new IllegalArgumentException("token-service.audit.reuse-hits.period must be between 1m and 1d");
		}
		if (flushInterval.compareTo(Duration.ofSeconds(1)) < 0 || flushInterval.compareTo(Duration.ofMinutes(5)) > 0) {
			throw new IllegalArgumentException(
					"token-service.audit.reuse-hits.flush-interval must be between 1s and 5m");
		}
	}

}
