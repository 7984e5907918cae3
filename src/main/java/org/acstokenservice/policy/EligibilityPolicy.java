package org.acstokenservice.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.ratelimit.BucketStore;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.ratelimit.KeyedRateLimiter;
import org.acstokenservice.web.ProblemException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what token a user may have, and whether a user may look others up. It refuses
 * what a user may not have; it never quietly narrows a request. It never calls ACS.
 */
public class EligibilityPolicy {

	private static final Logger logger = LoggerFactory.getLogger(EligibilityPolicy.class);

	/** The rights of a token that ACS exchanges for a Teams user's Entra ID token. */
	public static final Set<AcsScope> TEAMS_SCOPES = Set.copyOf(EnumSet.of(AcsScope.CHAT, AcsScope.VOIP));

	private final PolicyProperties properties;

	private final List<EligibilityRule> rules;

	private final Clock clock;

	private final @Nullable KeyedRateLimiter rateLimiter;

	private final KeyedRateLimiter lookupLimiter;

	EligibilityPolicy(PolicyProperties properties, List<EligibilityRule> rules, Clock clock, BucketStore buckets) {
		this.properties = properties;
		this.rules = List.copyOf(rules);
		this.clock = clock;
		PolicyProperties.RateLimit limit = properties.rateLimit();
		this.rateLimiter = limit.enabled() ? new KeyedRateLimiter(buckets, "token", limit.capacity(), limit.period())
				: null;
		this.lookupLimiter = new KeyedRateLimiter(buckets, "lookup", properties.lookup().maxPerMinute(),
				Duration.ofMinutes(1));
	}

	/**
	 * @param user the signed-in user
	 * @param scopes the scopes asked for, or {@code null} for the tier's defaults
	 * @param lifetime the lifetime asked for, or {@code null} for the tier's default
	 */
	public TokenGrant decide(AppUser user, @Nullable Set<AcsScope> scopes, @Nullable Duration lifetime) {
		checkOpen();
		if (this.properties.deniedUsers().contains(user.id())) {
			throw notEligible(user, "denied_user");
		}
		String tierName = tierOf(user);
		PolicyProperties.Tier tier = Objects.requireNonNull(this.properties.tiers().get(tierName),
				"tierOf names a configured tier");
		Set<AcsScope> granted = ordered((scopes != null) ? scopes : tier.defaultScopes());
		List<String> refused = granted.stream()
			.filter((scope) -> !tier.scopes().contains(scope))
			.map(AcsScope::wireName)
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
		EligibilityRequest request = new EligibilityRequest(user, tierName, granted, grantedLifetime);
		for (EligibilityRule rule : this.rules) {
			EligibilityDecision decision = rule.evaluate(request);
			if (!decision.allowed()) {
				throw notEligible(user, Objects.requireNonNull(decision.reason(), "a denial has a reason"));
			}
		}
		checkRate(user);
		return new TokenGrant(granted, grantedLifetime);
	}

	/**
	 * The user's tier as the policy sees it: the default one when the sign-in names none
	 * it knows.
	 */
	public String tierOf(AppUser user) {
		return user.tier().filter(this.properties.tiers()::containsKey).orElse(this.properties.defaultTier());
	}

	/**
	 * The checks for a Teams token exchange. ACS gives a Teams user's token chat and
	 * calling rights, whatever is asked: the exchange is decided like a token with
	 * {@link #TEAMS_SCOPES}, so the user's tier must allow both, and the opening hours,
	 * the deny list, the application's rules and the rate limit apply as for any token.
	 * The rules see the tier's default lifetime; the exchanged token lives as long as the
	 * Teams token.
	 */
	public void checkTeamsExchange(AppUser user) {
		decide(user, TEAMS_SCOPES, null);
	}

	/**
	 * The check for revocation and erasure: only the rate limit, so that a closed service
	 * or a denied user can still revoke and erase, but no one can spend the ACS budget in
	 * a loop.
	 */
	public void checkRateOnly(AppUser user) {
		checkRate(user);
	}

	/**
	 * Refuses a user who may not look up other users' identities, or who has made too
	 * many look-ups in the last minute.
	 */
	public void checkLookup(AppUser user) {
		PolicyProperties.Lookup lookup = this.properties.lookup();
		boolean allowed = user.isAdmin()
				|| (lookup.enabled() && (lookup.roles().isEmpty() || lookup.roles().stream().anyMatch(user::hasRole)));
		if (!allowed) {
			throw new ProblemException(ErrorCode.FORBIDDEN, "Looking up other users is not open to you.");
		}
		checkLookupRate(user);
	}

	/**
	 * Refuses a user who has made too many look-ups in the last minute, from the same
	 * allowance as {@link #checkLookup}: for reads that need no look-up right, such as
	 * the user's own audit trail.
	 */
	public void checkLookupRate(AppUser user) {
		this.lookupLimiter.tryAcquire(user.id()).ifPresent((wait) -> {
			throw new ProblemException(ErrorCode.RATE_LIMITED, "Too many look-ups; try again later.", wait, Map.of());
		});
	}

	private void checkOpen() {
		PolicyProperties.Availability availability = this.properties.availability();
		if (!availability.open()) {
			throw closed(availability.retryAfter());
		}
		PolicyProperties.DailyWindow window = availability.dailyWindow();
		if (window != null) {
			untilOpen(window, ZonedDateTime.now(this.clock.withZone(window.zone()))).ifPresent((wait) -> {
				throw closed(wait);
			});
		}
	}

	/** How long until the window opens, or empty when it is open now. */
	static Optional<Duration> untilOpen(PolicyProperties.DailyWindow window, ZonedDateTime now) {
		LocalTime time = now.toLocalTime();
		boolean spansMidnight = window.end().isBefore(window.start());
		boolean open = spansMidnight ? (!time.isBefore(window.start()) || time.isBefore(window.end()))
				: (!time.isBefore(window.start()) && time.isBefore(window.end()));
		if (open) {
			return Optional.empty();
		}
		ZonedDateTime opens = now.with(window.start());
		if (!opens.isAfter(now)) {
			opens = opens.plusDays(1);
		}
		return Optional.of(Duration.between(now, opens));
	}

	private void checkRate(AppUser user) {
		if (this.rateLimiter == null) {
			return;
		}
		this.rateLimiter.tryAcquire(user.id()).ifPresent((wait) -> {
			throw new ProblemException(ErrorCode.RATE_LIMITED, "Too many token requests; try again later.", wait,
					Map.of());
		});
	}

	private static ProblemException closed(Duration retryAfter) {
		return new ProblemException(ErrorCode.SERVICE_CLOSED, "The service is not issuing tokens now.", retryAfter,
				Map.of());
	}

	private static ProblemException notEligible(AppUser user, String reason) {
		logger.info("Token denied to app user {}: {}", user.id(), reason);
		return new ProblemException(ErrorCode.NOT_ELIGIBLE, "You are not eligible for a token.",
				Map.of("reason", reason));
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
