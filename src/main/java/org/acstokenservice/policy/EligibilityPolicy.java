package org.acstokenservice.policy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.system.ErrorCode;
import org.acstokenservice.system.ProblemException;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Decides what token a user may have. It refuses what a user may not have; it never
 * quietly narrows a request. It never calls ACS.
 */
@Component
@EnableConfigurationProperties(PolicyProperties.class)
public class EligibilityPolicy {

	private final PolicyProperties properties;

	EligibilityPolicy(PolicyProperties properties) {
		this.properties = properties;
	}

	/**
	 * @param user the signed-in user
	 * @param scopes the scopes asked for, or {@code null} for the tier's defaults
	 * @param lifetime the lifetime asked for, or {@code null} for the tier's default
	 */
	public TokenGrant decide(AppUser user, Set<AcsScope> scopes, Duration lifetime) {
		String tierName = user.tier()
			.filter(this.properties.tiers()::containsKey)
			.orElse(this.properties.defaultTier());
		PolicyProperties.Tier tier = this.properties.tiers().get(tierName);
		Set<AcsScope> granted = (scopes != null) ? scopes : tier.defaultScopes();
		List<String> refused = granted.stream()
			.filter((scope) -> !tier.scopes().contains(scope))
			.map(AcsScope::wireName)
			.sorted()
			.toList();
		if (!refused.isEmpty()) {
			throw new ProblemException(ErrorCode.SCOPE_NOT_ALLOWED,
					"Scope " + String.join(", ", refused) + " is not allowed for tier '" + tierName + "'.",
					Map.of("scopes", refused, "allowedScopes", wireNames(tier.scopes())));
		}
		Duration grantedLifetime = (lifetime != null) ? lifetime : tier.defaultLifetime();
		if (grantedLifetime.compareTo(tier.maxLifetime()) > 0) {
			throw new ProblemException(
					ErrorCode.INVALID_EXPIRY, "expiresInMinutes may be at most " + tier.maxLifetime().toMinutes()
							+ " for tier '" + tierName + "'.",
					Map.of("maxExpiresInMinutes", tier.maxLifetime().toMinutes()));
		}
		return new TokenGrant(ordered(granted), grantedLifetime);
	}

	private static List<String> wireNames(Set<AcsScope> scopes) {
		return ordered(scopes).stream().map(AcsScope::wireName).toList();
	}

	/** The scopes in ACS's order, so that answers do not vary with set iteration. */
	private static Set<AcsScope> ordered(Set<AcsScope> scopes) {
		Set<AcsScope> ordered = EnumSet.noneOf(AcsScope.class);
		ordered.addAll(scopes);
		return ordered;
	}

}
