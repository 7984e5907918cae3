package org.acstokenservice.ratelimit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The buckets that the instances of a fleet share through PostgreSQL: the rate limits and
 * the ACS budget. Local mode (H2, one instance) uses none of it.
 *
 * @param syncInterval how often an instance tells the database, in one batch, what each
 * bucket granted and learns what is left; a bucket's local share bounds how far an
 * instance may run ahead meanwhile
 * @param poolSize the connections of the buckets' own pool, apart from the pool that
 * token requests use
 * @param lockTimeout how long a statement waits for a bucket's row; a bucket that stays
 * locked longer counts as "limited" (429), not as a failure
 * @param statementTimeout how long a statement of the buckets may take at most
 */
@ConfigurationProperties("token-service.fleet.buckets")
public record SharedBucketProperties(@DefaultValue("1s") Duration syncInterval, @DefaultValue("3") int poolSize,
		@DefaultValue("500ms") Duration lockTimeout, @DefaultValue("1s") Duration statementTimeout) {

	public SharedBucketProperties {
		requirePositive("token-service.fleet.buckets.sync-interval", syncInterval);
		requirePositive("token-service.fleet.buckets.lock-timeout", lockTimeout);
		requirePositive("token-service.fleet.buckets.statement-timeout", statementTimeout);
		if (poolSize < 1) {
			throw new IllegalArgumentException("token-service.fleet.buckets.pool-size must be at least 1");
		}
	}

	private static void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive");
		}
	}

}
