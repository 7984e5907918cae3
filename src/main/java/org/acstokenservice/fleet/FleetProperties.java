package org.acstokenservice.fleet;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the instances of a fleet keep in step through PostgreSQL. Local mode (H2, one
 * instance) uses none of it.
 *
 * @param changes how an instance hears of changes that other instances make
 */
@ConfigurationProperties("token-service.fleet")
public record FleetProperties(@DefaultValue Changes changes) {

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
			requirePositive("token-service.fleet.changes.heartbeat", heartbeat);
			requirePositive("token-service.fleet.changes.max-delay", maxDelay);
			if (maxDelay.compareTo(heartbeat.multipliedBy(2)) < 0) {
				throw new IllegalArgumentException(
						"token-service.fleet.changes.max-delay must be at least twice token-service.fleet.changes.heartbeat");
			}
		}

	}

	private static void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive");
		}
	}

}
