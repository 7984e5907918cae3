package org.acstokenservice.emulator;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

class LimitSettingsTests {

	@Test
	void acsWhenCreatedThenAcsNumbersPerThirtySeconds() {
		LimitSettings acs = LimitSettings.acs();
		assertThat(acs.enabled()).isTrue();
		assertThat(acs.window()).isEqualTo(Duration.ofSeconds(30));
		// Azure Communication Services service limits, "Identity".
		assertThat(acs.perWindow()).containsExactly(entry(AcsLimit.CREATE_IDENTITY, 1000),
				entry(AcsLimit.CREATE_IDENTITY_AND_TOKEN, 1000), entry(AcsLimit.ISSUE_TOKEN, 1000),
				entry(AcsLimit.REVOKE, 500), entry(AcsLimit.DELETE, 500), entry(AcsLimit.TEAMS_EXCHANGE, 500));
	}

	@Test
	void offWhenCreatedThenDisabledWithAcsNumbers() {
		assertThat(LimitSettings.off().enabled()).isFalse();
		assertThat(LimitSettings.off().perWindow()).isEqualTo(LimitSettings.acs().perWindow());
	}

	@Test
	void constructorWhenLimitsLeftOutThenAcsNumbers() {
		LimitSettings settings = new LimitSettings(true, null, Map.of(AcsLimit.ISSUE_TOKEN, 7));
		assertThat(settings.window()).isEqualTo(LimitSettings.ACS_WINDOW);
		assertThat(settings.perWindow(AcsLimit.ISSUE_TOKEN)).isEqualTo(7);
		assertThat(settings.perWindow(AcsLimit.DELETE)).isEqualTo(500);
	}

	@Test
	void withersWhenCalledThenOnlyThatChanges() {
		LimitSettings settings = LimitSettings.acs().withEveryLimit(3).withLimit(AcsLimit.DELETE, 4);
		assertThat(settings.perWindow(AcsLimit.CREATE_IDENTITY)).isEqualTo(3);
		assertThat(settings.perWindow(AcsLimit.DELETE)).isEqualTo(4);
		assertThat(settings.withWindow(Duration.ofMinutes(1)).window()).isEqualTo(Duration.ofMinutes(1));
		assertThat(settings.withEnabled(false).enabled()).isFalse();
		assertThat(settings.withEnabled(false).perWindow(AcsLimit.DELETE)).isEqualTo(4);
	}

	@Test
	void constructorWhenLimitOutOfRangeThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> LimitSettings.acs().withLimit(AcsLimit.REVOKE, 0))
			.withMessageContaining("revoke");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LimitSettings.acs().withEveryLimit(LimitSettings.MAX_PER_WINDOW + 1));
	}

	@Test
	void constructorWhenWindowNotWholeSecondsOrOutOfRangeThenRefused() {
		for (Duration window : new Duration[] { Duration.ZERO, Duration.ofMillis(500), Duration.ofMillis(1500),
				Duration.ofSeconds(-30), Duration.ofHours(2) }) {
			assertThatIllegalArgumentException().as(window.toString())
				.isThrownBy(() -> LimitSettings.acs().withWindow(window));
		}
		assertThat(LimitSettings.acs().withWindow(Duration.ofSeconds(1)).window()).isEqualTo(Duration.ofSeconds(1));
		assertThat(LimitSettings.acs().withWindow(Duration.ofHours(1)).window()).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void fromNameWhenConfigurationSpellingsThenLimit() {
		assertThat(AcsLimit.fromName("issue-token")).isEqualTo(AcsLimit.ISSUE_TOKEN);
		assertThat(AcsLimit.fromName("createIdentityAndToken")).isEqualTo(AcsLimit.CREATE_IDENTITY_AND_TOKEN);
		assertThat(AcsLimit.fromName("TEAMS_EXCHANGE")).isEqualTo(AcsLimit.TEAMS_EXCHANGE);
		assertThatIllegalArgumentException().isThrownBy(() -> AcsLimit.fromName("rename"))
			.withMessageContaining("issue-token");
		assertThat(AcsLimit.CREATE_IDENTITY_AND_TOKEN.propertyName()).isEqualTo("create-identity-and-token");
	}

	@Test
	void ofWhenCreateWithOrWithoutTokenThenSeparateLimits() {
		assertThat(AcsLimit.of(AcsOperation.CREATE_IDENTITY, false)).isEqualTo(AcsLimit.CREATE_IDENTITY);
		assertThat(AcsLimit.of(AcsOperation.CREATE_IDENTITY, true)).isEqualTo(AcsLimit.CREATE_IDENTITY_AND_TOKEN);
		assertThat(AcsLimit.of(AcsOperation.DELETE, false)).isEqualTo(AcsLimit.DELETE);
	}

}
