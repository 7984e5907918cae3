package org.acstokenservice.policy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.system.ErrorCode;
import org.acstokenservice.system.ProblemException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EligibilityPolicyTests {

	private final EligibilityPolicy policy = new EligibilityPolicy(new PolicyProperties("basic", Map.of("standard",
			new PolicyProperties.Tier(EnumSet.allOf(AcsScope.class), Set.of(AcsScope.CHAT, AcsScope.VOIP),
					Duration.ofMinutes(90), Duration.ofHours(24)),
			"basic",
			new PolicyProperties.Tier(Set.of(AcsScope.CHAT), null, Duration.ofMinutes(60), Duration.ofHours(2)))));

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
		assertThat(this.policy.decide(user("platinum"), null, null).scopes()).containsExactly(AcsScope.CHAT);
	}

	@Test
	void decideWhenScopesAndLifetimeAllowedThenGrantedAsAsked() {
		TokenGrant grant = this.policy.decide(user("standard"), Set.of(AcsScope.VOIP_JOIN), Duration.ofHours(3));

		assertThat(grant.scopes()).containsExactly(AcsScope.VOIP_JOIN);
		assertThat(grant.lifetime()).isEqualTo(Duration.ofHours(3));
	}

	@Test
	void decideWhenScopeNotInTierThenScopeNotAllowedNamingIt() {
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> this.policy.decide(user("basic"), Set.of(AcsScope.CHAT, AcsScope.VOIP), null))
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo(ErrorCode.SCOPE_NOT_ALLOWED);
				assertThat(ex.getMessage()).contains("voip").doesNotContain("chat,");
			});
	}

	@Test
	void decideWhenLifetimeAboveTierMaximumThenInvalidExpiry() {
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> this.policy.decide(user("basic"), null, Duration.ofHours(3)))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.INVALID_EXPIRY));
	}

	private static AppUser user(String tier) {
		return new AppUser("someone", Optional.ofNullable(tier), Set.of());
	}

}
