package org.acstokenservice.emulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityApiTests {

	@Test
	void signedHostCandidatesWhenPortThenHeaderAndHeaderWithoutPort() {
		assertThat(IdentityApi.signedHostCandidates("127.0.0.1:8443")).containsExactly("127.0.0.1:8443", "127.0.0.1");
		assertThat(IdentityApi.signedHostCandidates("[::1]:8443")).containsExactly("[::1]:8443", "[::1]");
	}

	@Test
	void signedHostCandidatesWhenNoPortThenHeaderOnly() {
		assertThat(IdentityApi.signedHostCandidates("my-resource.communication.azure.com"))
			.containsExactly("my-resource.communication.azure.com");
		assertThat(IdentityApi.signedHostCandidates("[::1]")).containsExactly("[::1]");
	}

	@Test
	void expiresOnWhenFormattedThenAcsShape() {
		assertThat(IdentityApi.EXPIRES_ON.format(java.time.Instant.parse("2026-11-29T10:00:00Z")))
			.isEqualTo("2026-11-29T10:00:00.0000000+00:00");
	}

}
