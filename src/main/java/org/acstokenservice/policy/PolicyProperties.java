package org.acstokenservice.policy;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may have which token. Checked when bound, so that a bad policy stops start-up with
 * a message that names the property.
 *
 * @param defaultTier the tier of a user whose sign-in names none, or names an unknown one
 * @param tiers the tiers by name
 * @param availability whether the service issues tokens at all, and when
 * @param deniedUsers app user ids that never get a token ({@code not_eligible})
 * @param rateLimit how many tokens one user may ask for
 * @param lookup who may look up other users' ACS identities
 */
@ConfigurationProperties("token-service.policy")
public record PolicyProperties(@DefaultValue("basic") String defaultTier, Map<String, Tier> tiers,
		@DefaultValue Availability availability, List<String> deniedUsers, @DefaultValue RateLimit rateLimit,
		@DefaultValue Lookup lookup) {

	/** ACS's own bounds on a token's lifetime. */
	static final Duration MIN_LIFETIME = Duration.ofMinutes(60);

	static final Duration MAX_LIFETIME = Duration.ofMinutes(1440);

	public PolicyProperties {
		tiers = (tiers != null) ? Map.copyOf(tiers) : Map.of();
		deniedUsers = (deniedUsers != null) ? List.copyOf(deniedUsers) : List.of();
		if (!tiers.containsKey(defaultTier)) {
			throw new IllegalArgumentException("token-service.policy.default-tier '" + defaultTier
					+ "' is not one of token-service.policy.tiers " + tiers.keySet());
		}
		tiers.forEach((name, tier) -> tier.check(name));
	}

	/**
	 * A policy with the given tiers and everything else at its default, for tests and
	 * code.
	 */
	public static PolicyProperties ofTiers(String defaultTier, Map<String, Tier> tiers) {
		return new PolicyProperties(defaultTier, tiers, new Availability(true, null, Duration.ofMinutes(15)), List.of(),
				new RateLimit(true, 20, Duration.ofMinutes(1)), new Lookup(true, List.of(), 120));
	}

	/**
	 * One tier.
	 *
	 * @param scopes the scopes its users may ask for
	 * @param defaultScopes the scopes they get when they ask for none; all of
	 * {@code scopes} when empty
	 * @param defaultLifetime the lifetime of a token when none is asked for
	 * @param maxLifetime the longest lifetime they may ask for
	 */
	public record Tier(Set<AcsScope> scopes, Set<AcsScope> defaultScopes, @DefaultValue("60m") Duration defaultLifetime,
			@DefaultValue("24h") Duration maxLifetime) {

		public Tier {
			scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
			defaultScopes = (defaultScopes != null && !defaultScopes.isEmpty()) ? Set.copyOf(defaultScopes) : scopes;
		}

		void check(String name) {
			String prefix = "token-service.policy.tiers." + name + ".";
			if (this.scopes.isEmpty()) {
				throw new IllegalArgumentException(prefix + "scopes must name at least one scope");
			}
			if (!this.scopes.containsAll(this.defaultScopes)) {
				throw new IllegalArgumentException(prefix + "default-scopes must be among " + prefix + "scopes");
			}
			checkLifetime(prefix + "max-lifetime", this.maxLifetime);
			checkLifetime(prefix + "default-lifetime", this.defaultLifetime);
			if (this.defaultLifetime.compareTo(this.maxLifetime) > 0) {
				throw new IllegalArgumentException(
						prefix + "default-lifetime must not exceed " + prefix + "max-lifetime");
			}
		}

		private static void checkLifetime(String property, Duration lifetime) {
			if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
				throw new IllegalArgumentException(property + " must be between 60m and 24h (ACS's bounds)");
			}
		}

	}

	/**
	 * Whether the service issues tokens. When closed it answers 503
	 * {@code service_closed}.
	 *
	 * @param open {@code false} closes the service until it is opened again
	 * @param dailyWindow when set, the service is open only inside this window each day
	 * @param retryAfter what {@code Retry-After} says while closed outside a window
	 */
	public record Availability(@DefaultValue("true") boolean open, @Nullable DailyWindow dailyWindow,
			@DefaultValue("15m") Duration retryAfter) {

		public Availability {
			if (retryAfter.isNegative() || retryAfter.isZero()) {
				throw new IllegalArgumentException("token-service.policy.availability.retry-after must be positive");
			}
		}

	}

	/**
	 * A daily opening window; {@code end} before {@code start} spans midnight.
	 *
	 * @param start when the service opens, such as {@code 08:00}
	 * @param end when it closes, such as {@code 20:00}
	 * @param zone the time zone of both, such as {@code Europe/Berlin}
	 */
	public record DailyWindow(LocalTime start, LocalTime end, @DefaultValue("UTC") ZoneId zone) {

		public DailyWindow {
			if (start == null || end == null || start.equals(end)) {
				throw new IllegalArgumentException(
						"token-service.policy.availability.daily-window needs a start and an end that differ");
			}
		}

	}

	/**
	 * A limit on how many tokens one user may ask for, across all instances (the buckets
	 * are in PostgreSQL).
	 *
	 * @param enabled whether the limit applies
	 * @param capacity how many requests a user may make in a burst
	 * @param period how long a spent allowance takes to come back in full
	 */
	public record RateLimit(@DefaultValue("true") boolean enabled, @DefaultValue("20") int capacity,
			@DefaultValue("1m") Duration period) {

		public RateLimit {
			if (capacity < 1 || period.isNegative() || period.isZero()) {
				throw new IllegalArgumentException(
						"token-service.policy.rate-limit.capacity must be at least 1 and token-service.policy.rate-limit.period positive");
			}
		}

	}

	/**
	 * Who may look up other users' identities, to call them or to see who calls.
	 *
	 * @param enabled whether anyone but an admin may look up others
	 * @param roles the roles of which a user needs one; empty means every signed-in user
	 * @param maxPerMinute how many look-ups one user (admins included) may make per
	 * minute, across all instances; a contact list that resolves its entries one by one
	 * needs one per entry
	 */
	public record Lookup(@DefaultValue("true") boolean enabled, List<String> roles,
			@DefaultValue("120") int maxPerMinute) {

		public Lookup {
			roles = (roles != null) ? List.copyOf(roles) : List.of();
			if (maxPerMinute < 1) {
				throw new IllegalArgumentException("token-service.policy.lookup.max-per-minute must be at least 1");
			}
		}

	}

}
