package org.acstokenservice.fleet;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the instances of a fleet keep in step through PostgreSQL. Local mode (H2, one
 * instance) uses none of it.
 *
 * @param buckets the shared rate limits and ACS budget
 * @param changes how an instance hears of changes that other instances make
 */
@ConfigurationProperties("fleet")
public record FleetProperties(@DefaultValue Buckets buckets, @DefaultValue Changes changes) {

	/**
	 * The shared buckets.
	 *
	 * @param syncInterval how often an instance tells the database, in one batch, what
	 * each bucket granted and learns what is left; a bucket's local share bounds how far
	 * an instance may run ahead meanwhile
	 * @param poolSize the connections of the buckets' own pool, apart from the pool that
	 * token requests use
	 * @param lockTimeout how long a statement waits for a bucket's row; a bucket that
	 * stays locked longer counts as "limited" (429), not as a failure
	 * @param statementTimeout how long a statement of the buckets may take at most
	 */
	public record Buckets(@DefaultValue("1s") Duration syncInterval, @DefaultValue("3") int poolSize,
			@DefaultValue("500ms") Duration lockTimeout, @DefaultValue("1s") Duration statementTimeout) {

		public Buckets {
			requirePositive("fleet.buckets.sync-interval", syncInterval);
			requirePositive("fleet.buckets.lock-timeout", lockTimeout);
			requirePositive("fleet.buckets.statement-timeout", statementTimeout);
			if (poolSize < 1) {
				throw new IllegalArgumentException("fleet.buckets.pool-size must be at least 1");
			}
		}

	}

	/**
	 * The feed of changes (PostgreSQL {@code LISTEN}/{@code NOTIFY}): an instance trusts
	 * what it keeps in memory (the users' identities and revocation generations) only
	 * while it has heard its own heartbeat come back within {@code maxDelay}; otherwise
	 * it reads the database on every request until it does again.
	 *
	 * @param heartbeat how often an instance sends itself a heartbeat through the feed
	 * @param maxDelay how old the last heartbeat heard may be for the memory to be
	 * trusted; a revocation is answered this long after it is committed, so that every
	 * instance has heard of it by then
	 */
	public record Changes(@DefaultValue("100ms") Duration heartbeat, @DefaultValue("500ms") Duration maxDelay) {

		public Changes {
			requirePositive("fleet.changes.heartbeat", heartbeat);
			requirePositive("fleet.changes.max-delay", maxDelay);
			if (maxDelay.compareTo(heartbeat.multipliedBy(2)) < 0) {
				throw new IllegalArgumentException(
						"fleet.changes.max-delay must be at least twice fleet.changes.heartbeat");
			}
		}

	}

	private static void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive");
		}
	}

}
