package org.acstokenservice.emulator;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireResponseTests {

	@Test
	void expiresOnWhenFormattedThenAcsShape() {
		assertThat(WireResponse.EXPIRES_ON.format(Instant.parse("2026-11-29T10:00:00Z")))
			.isEqualTo("2026-11-29T10:00:00.0000000+00:00");
	}

	@Test
	void accessTokenBodyWhenInstantThenExpiresOnInAcsShape() {
		assertThat(new WireResponse.AccessTokenBody("t", Instant.parse("2026-11-29T10:00:00Z")).expiresOn())
			.isEqualTo("2026-11-29T10:00:00.0000000+00:00");
	}

	@Test
	void errorWhenAcsErrorThenItsStatusCodeAndMessage() {
		WireResponse response = WireResponse.error(AcsError.validation("Scopes: At least one scope is required."));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.body()).isEqualTo(new WireResponse.ErrorBody(
				new WireResponse.ErrorDetail("ValidationError", "Scopes: At least one scope is required.")));
	}

	@Test
	void errorWhenAcsErrorWithRetryAfterThenHeaderInWholeSecondsRoundedUp() {
		WireResponse response = WireResponse
			.error(new AcsError(429, "TooManyRequests", "Try again later.", Duration.ofMillis(12_001)));
		assertThat(response.status()).isEqualTo(429);
		assertThat(response.headers()).containsExactly(java.util.Map.entry("Retry-After", "13"));
		assertThat(WireResponse.wholeSecondsUp(Duration.ofSeconds(30))).isEqualTo(30);
		assertThat(WireResponse.wholeSecondsUp(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(WireResponse.error(AcsError.validation("x")).headers()).isEmpty();
	}

	@Test
	void withHeaderWhenNullValueThenUnchanged() {
		WireResponse response = new WireResponse(204, null);
		assertThat(response.withHeader("Repeatability-Result", null)).isSameAs(response);
		assertThat(response.withHeader("Repeatability-Result", "accepted").headers())
			.containsExactly(java.util.Map.entry("Repeatability-Result", "accepted"));
	}

}
