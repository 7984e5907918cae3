package org.acstokenservice.policy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What each tier of user may have. Checked when bound, so that a bad policy stops
 * start-up with a message that names the property.
 *
 * @param defaultTier the tier of a user whose sign-in names none
 * @param tiers the tiers by name
 */
@ConfigurationProperties("policy")
public record PolicyProperties(@DefaultValue("basic") String defaultTier, Map<String, Tier> tiers) {

	/** ACS's own bounds on a token's lifetime. */
	static final Duration MIN_LIFETIME = Duration.ofMinutes(60);

	static final Duration MAX_LIFETIME = Duration.ofMinutes(1440);

	public PolicyProperties {
		tiers = (tiers != null) ? Map.copyOf(tiers) : Map.of();
		if (!tiers.containsKey(defaultTier)) {
			throw new IllegalArgumentException(
					"policy.default-tier '" + defaultTier + "' is not one of policy.tiers " + tiers.keySet());
		}
		tiers.forEach((name, tier) -> tier.check(name));
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
			String prefix = "policy.tiers." + name + ".";
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

}
