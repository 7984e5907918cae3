package org.acstokenservice.emulator;

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
	void withHeaderWhenNullValueThenUnchanged() {
		WireResponse response = new WireResponse(204, null);
		assertThat(response.withHeader("Repeatability-Result", null)).isSameAs(response);
		assertThat(response.withHeader("Repeatability-Result", "accepted").headers())
			.containsExactly(java.util.Map.entry("Repeatability-Result", "accepted"));
	}

}
