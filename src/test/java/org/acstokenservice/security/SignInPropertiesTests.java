package org.acstokenservice.security;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SignInPropertiesTests {

	private static final SignInProperties.Jwt CLAIMS = new SignInProperties.Jwt("sub", "roles", "tier");

	private static final SignInProperties.FailedAttempts ATTEMPTS = new SignInProperties.FailedAttempts(10,
			Duration.ofMinutes(1), Duration.ofMillis(50));

	private static final SignInProperties.VerifiedTokens VERIFIED = new SignInProperties.VerifiedTokens(true,
			DataSize.ofMegabytes(8), Duration.ofMinutes(5));

	@Test
	void corsOriginsWhenExactOriginsThenKept() {
		SignInProperties properties = new SignInProperties(CLAIMS, ATTEMPTS, VERIFIED,
				List.of("https://app.example.com", "http://localhost:3000"));

		assertThat(properties.corsAllowedOrigins()).hasSize(2);
	}

	@Test
	void corsOriginsWhenWildcardPathOrTrailingSlashThenRefusedNamingProperty() {
		for (String origin : List.of("*", "https://*.example.com", "https://app.example.com/", "app.example.com")) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new SignInProperties(CLAIMS, ATTEMPTS, VERIFIED, List.of(origin)))
				.withMessageContaining("token-service.sign-in.cors-allowed-origins");
		}
	}

	@Test
	void verifiedTokensWhenNoRoomOrNoAgeThenRefusedNamingProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SignInProperties.VerifiedTokens(true, DataSize.ofBytes(100), Duration.ofMinutes(5)))
			.withMessageContaining("token-service.sign-in.verified-tokens");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SignInProperties.VerifiedTokens(true, DataSize.ofMegabytes(1), Duration.ZERO))
			.withMessageContaining("token-service.sign-in.verified-tokens");
	}

}
