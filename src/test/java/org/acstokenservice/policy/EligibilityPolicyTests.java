package org.acstokenservice.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.ratelimit.InMemoryBucketStore;
import org.acstokenservice.web.ProblemException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EligibilityPolicyTests {

	private static final Map<String, PolicyProperties.Tier> TIERS = Map.of("standard",
			new PolicyProperties.Tier(EnumSet.allOf(AcsScope.class), Set.of(AcsScope.CHAT, AcsScope.VOIP),
					Duration.ofMinutes(90), Duration.ofHours(24)),
			"basic",
			new PolicyProperties.Tier(Set.of(AcsScope.CHAT), null, Duration.ofMinutes(60), Duration.ofHours(2)));

	private static final Clock NOON_UTC = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

	private final EligibilityPolicy policy = policy(PolicyProperties.ofTiers("basic", TIERS), List.of());

	@Test
	void decideWhenNothingAskedThenTierDefaults() {
		TokenGrant grant = this.policy.decide(user("standard"), null, null);

		assertThat(grant.scopes()).containsExactly(AcsScope.CHAT, AcsScope.VOIP);
		assertThat(grant.lifetime()).isEqualTo(Duration.ofMinutes(90));
	}

	@Test
	void decideWhenUserHasNoTierThenDefaultTier() {
		TokenGrant grant = this.policy.decide(user(null), null, null);

		assertThat(grant.scopes()).containsExactly(AcsScope.CHAT);
		assertThat(grant.lifetime()).isEqualTo(Duration.ofMinutes(60));
	}

	@Test
	void decideWhenUnknownTierThenDefaultTier() {
		assertGrant(this.policy.decide(user("platinum"), null, null), Duration.ofMinutes(60), AcsScope.CHAT);
	}

	@Test
	void decideWhenScopesAndLifetimeAllowedThenGrantedAsAsked() {
		TokenGrant grant = this.policy.decide(user("standard"), Set.of(AcsScope.VOIP_JOIN), Duration.ofHours(3));

		assertThat(grant.scopes()).containsExactly(AcsScope.VOIP_JOIN);
		assertThat(grant.lifetime()).isEqualTo(Duration.ofHours(3));
	}

	@Test
	void decideWhenScopeNotInTierThenScopeNotAllowedNamingIt() {
		assertRefused(() -> this.policy.decide(user("basic"), Set.of(AcsScope.CHAT, AcsScope.VOIP), null),
				ErrorCode.SCOPE_NOT_ALLOWED)
			.satisfies((ex) -> assertThat(ex.properties()).containsEntry("scopes", List.of("voip")));
	}

	@Test
	void decideWhenLifetimeAboveTierMaximumThenInvalidExpiry() {
		assertRefused(() -> this.policy.decide(user("basic"), null, Duration.ofHours(3)), ErrorCode.INVALID_EXPIRY);
	}

	@Test
	void decideWhenServiceClosedThenServiceClosedWithRetryAfter() {
		EligibilityPolicy closed = policy(withAvailability(false, null), List.of());

		assertRefused(() -> closed.decide(user("standard"), null, null), ErrorCode.SERVICE_CLOSED)
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofMinutes(15)));
	}

	@Test
	void decideWhenOutsideDailyWindowThenClosedUntilItOpens() {
		EligibilityPolicy evenings = policy(
				withAvailability(true,
						new PolicyProperties.DailyWindow(LocalTime.of(18, 0), LocalTime.of(23, 0), ZoneId.of("UTC"))),
				List.of());

		assertRefused(() -> evenings.decide(user("standard"), null, null), ErrorCode.SERVICE_CLOSED)
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofHours(6)));
	}

	@Test
	void decideWhenInsideDailyWindowThenGranted() {
		EligibilityPolicy daytime = policy(
				withAvailability(true,
						new PolicyProperties.DailyWindow(LocalTime.of(8, 0), LocalTime.of(20, 0), ZoneId.of("UTC"))),
				List.of());

		assertGrant(daytime.decide(user("standard"), null, null), Duration.ofMinutes(90), AcsScope.CHAT, AcsScope.VOIP);
	}

	@Test
	void untilOpenWhenWindowSpansMidnightThenOpenAfterMidnight() {
		PolicyProperties.DailyWindow nights = new PolicyProperties.DailyWindow(LocalTime.of(22, 0), LocalTime.of(6, 0),
				ZoneId.of("UTC"));
		ZonedDateTime day = ZonedDateTime.parse("2026-11-29T12:00:00Z");

		assertThat(EligibilityPolicy.untilOpen(nights, day.withHour(2))).isEmpty();
		assertThat(EligibilityPolicy.untilOpen(nights, day.withHour(23))).isEmpty();
		assertThat(EligibilityPolicy.untilOpen(nights, day)).contains(Duration.ofHours(10));
	}

	@Test
	void decideWhenUserOnDenyListThenNotEligible() {
		PolicyProperties base = PolicyProperties.ofTiers("basic", TIERS);
		EligibilityPolicy denying = policy(new PolicyProperties(base.defaultTier(), base.tiers(), base.availability(),
				List.of("mallory"), base.rateLimit(), base.lookup()), List.of());

		assertRefused(() -> denying.decide(new AppUser("mallory", Optional.empty(), Set.of()), null, null),
				ErrorCode.NOT_ELIGIBLE)
			.satisfies((ex) -> assertThat(ex.properties()).containsEntry("reason", "denied_user"));
		assertGrant(denying.decide(user("basic"), null, null), Duration.ofMinutes(60), AcsScope.CHAT);
	}

	@Test
	void decideWhenCustomRuleDeniesThenNotEligibleWithItsReason() {
		EligibilityRule paidOnly = (request) -> "standard".equals(request.tier()) ? EligibilityDecision.allow()
				: EligibilityDecision.deny("subscription_required");
		EligibilityPolicy policy = policy(PolicyProperties.ofTiers("basic", TIERS), List.of(paidOnly));

		assertGrant(policy.decide(user("standard"), null, null), Duration.ofMinutes(90), AcsScope.CHAT, AcsScope.VOIP);
		assertRefused(() -> policy.decide(user("basic"), null, null), ErrorCode.NOT_ELIGIBLE)
			.satisfies((ex) -> assertThat(ex.properties()).containsEntry("reason", "subscription_required"));
	}

	@Test
	void decideWhenRateLimitSpentThenRateLimitedWithRetryAfter() {
		PolicyProperties base = PolicyProperties.ofTiers("basic", TIERS);
		EligibilityPolicy limited = policy(new PolicyProperties(base.defaultTier(), base.tiers(), base.availability(),
				null, new PolicyProperties.RateLimit(true, 2, Duration.ofMinutes(1)), base.lookup()), List.of());

		assertGrant(limited.decide(user("basic"), null, null), Duration.ofMinutes(60), AcsScope.CHAT);
		assertGrant(limited.decide(user("basic"), null, null), Duration.ofMinutes(60), AcsScope.CHAT);

		assertRefused(() -> limited.decide(user("basic"), null, null), ErrorCode.RATE_LIMITED)
			.satisfies((ex) -> assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
		assertGrant(limited.decide(new AppUser("other", Optional.empty(), Set.of()), null, null),
				Duration.ofMinutes(60), AcsScope.CHAT);
	}

	@Test
	void checkLookupWhenRolesRequiredThenOnlyThoseRolesAndAdmins() {
		PolicyProperties base = PolicyProperties.ofTiers("basic", TIERS);
		EligibilityPolicy agentsOnly = policy(new PolicyProperties(base.defaultTier(), base.tiers(),
				base.availability(), null, base.rateLimit(), new PolicyProperties.Lookup(true, List.of("AGENT"), 120)),
				List.of());

		assertRefused(() -> agentsOnly.checkLookup(user("basic")), ErrorCode.FORBIDDEN);
		agentsOnly.checkLookup(new AppUser("agent", Optional.empty(), Set.of("AGENT")));
		agentsOnly.checkLookup(new AppUser("root", Optional.empty(), Set.of("ADMIN")));
	}

	@Test
	void checkLookupRateWhenLookUpsSpentThenRateLimitedFromTheSameAllowance() {
		PolicyProperties base = PolicyProperties.ofTiers("basic", TIERS);
		EligibilityPolicy threeAMinute = policy(new PolicyProperties(base.defaultTier(), base.tiers(),
				base.availability(), null, base.rateLimit(), new PolicyProperties.Lookup(true, List.of("AGENT"), 3)),
				List.of());
		AppUser agent = new AppUser("agent", Optional.empty(), Set.of("AGENT"));

		threeAMinute.checkLookup(agent);
		threeAMinute.checkLookupRate(agent);
		threeAMinute.checkLookup(agent);

		assertRefused(() -> threeAMinute.checkLookupRate(agent), ErrorCode.RATE_LIMITED)
			.satisfies((ex) -> assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
		assertRefused(() -> threeAMinute.checkLookup(agent), ErrorCode.RATE_LIMITED);
		threeAMinute.checkLookupRate(user("basic"));
	}

	private static EligibilityPolicy policy(PolicyProperties properties, List<EligibilityRule> rules) {
		return new EligibilityPolicy(properties, rules, NOON_UTC, new InMemoryBucketStore());
	}

	private static PolicyProperties withAvailability(boolean open, PolicyProperties.DailyWindow window) {
		PolicyProperties base = PolicyProperties.ofTiers("basic", TIERS);
		return new PolicyProperties(base.defaultTier(), base.tiers(),
				new PolicyProperties.Availability(open, window, Duration.ofMinutes(15)), null, base.rateLimit(),
				base.lookup());
	}

	private static ThrowableAssertAlternative<ProblemException> assertRefused(ThrowingCallable call,
			ErrorCode expected) {
		return assertThatExceptionOfType(ProblemException.class).isThrownBy(call)
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(expected));
	}

	private static void assertGrant(TokenGrant grant, Duration lifetime, AcsScope... scopes) {
		assertThat(grant.scopes()).containsExactly(scopes);
		assertThat(grant.lifetime()).isEqualTo(lifetime);
	}

	private static AppUser user(String tier) {
		return new AppUser("someone", Optional.ofNullable(tier), Set.of());
	}

}
