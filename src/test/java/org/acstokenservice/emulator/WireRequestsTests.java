package org.acstokenservice.emulator;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class WireRequestsTests {

	@Test
	void apiVersionWhenStableVersionThenAccepted() {
		assertThat(WireRequests.apiVersion("api-version=2022-10-01")).isEqualTo("2022-10-01");
		assertThat(WireRequests.apiVersion("x=1&api%2Dversion=2023-10-01")).isEqualTo("2023-10-01");
	}

	@Test
	void apiVersionWhenMissingOrUnknownThenUnsupportedApiVersion() {
		assertRefused(() -> WireRequests.apiVersion(null), 400, "UnsupportedApiVersion");
		assertRefused(() -> WireRequests.apiVersion("api-version=2099-01-01"), 400, "UnsupportedApiVersion");
	}

	@Test
	void parseObjectWhenEmptyBodyThenEmptyObjectOnlyIfAllowed() {
		assertThat(WireRequests.parseObject(new byte[0], true).isEmpty()).isTrue();
		assertRefused(() -> WireRequests.parseObject(new byte[0], false), 400, "BadRequest");
	}

	@Test
	void parseObjectWhenNotAnObjectThenBadRequest() {
		assertRefused(() -> WireRequests.parseObject(bytes("[1]"), false), 400, "BadRequest");
		assertRefused(() -> WireRequests.parseObject(bytes("{\"scopes\":"), false), 400, "BadRequest");
	}

	@Test
	void createsTokenWhenNonEmptyScopesThenTrueAndNeverFails() {
		assertThat(WireRequests.createsToken(bytes("{\"createTokenWithScopes\":[\"chat\"]}"))).isTrue();
		assertThat(WireRequests.createsToken(bytes("{\"createTokenWithScopes\":[\"teleport\"]}")))
			.as("the operation refuses the scope; the call still counts as a create with a token")
			.isTrue();
		assertThat(WireRequests.createsToken(bytes("{\"createTokenWithScopes\":[]}"))).isFalse();
		assertThat(WireRequests.createsToken(bytes("{}"))).isFalse();
		assertThat(WireRequests.createsToken(new byte[0])).isFalse();
		assertThat(WireRequests.createsToken(bytes("{\"createTokenWithScopes\":\"chat\"}"))).isFalse();
		assertThat(WireRequests.createsToken(bytes("[1]"))).isFalse();
		assertThat(WireRequests.createsToken(bytes("null"))).isFalse();
		assertThat(WireRequests.createsToken(bytes("not json"))).isFalse();
	}

	@Test
	void scopesWhenDuplicatesThenOnceEachInOrder() {
		JsonNode request = WireRequests.parseObject(bytes("{\"scopes\":[\"voip\",\"chat\",\"voip\"]}"), false);
		assertThat(WireRequests.scopes(request.get("scopes"), "Scopes", "2023-10-01")).containsExactly("voip", "chat");
	}

	@Test
	void scopesWhenUnknownScopeThenValidationError() {
		JsonNode request = WireRequests.parseObject(bytes("{\"scopes\":[\"chat\",\"admin\"]}"), false);
		assertRefused(() -> WireRequests.scopes(request.get("scopes"), "Scopes", "2023-10-01"), 400, "ValidationError");
	}

	@Test
	void expiresInMinutesWhenAbsentThenMaximum() {
		assertThat(WireRequests.expiresInMinutes(WireRequests.parseObject(bytes("{}"), false))).isEqualTo(1440);
	}

	@Test
	void expiresInMinutesWhenOutsideSixtyTo1440ThenValidationError() {
		assertThat(WireRequests.expiresInMinutes(WireRequests.parseObject(bytes("{\"expiresInMinutes\":60}"), false)))
			.isEqualTo(60);
		assertRefused(
				() -> WireRequests
					.expiresInMinutes(WireRequests.parseObject(bytes("{\"expiresInMinutes\":59}"), false)),
				400, "ValidationError");
		assertRefused(
				() -> WireRequests
					.expiresInMinutes(WireRequests.parseObject(bytes("{\"expiresInMinutes\":1441}"), false)),
				400, "ValidationError");
	}

	@Test
	void decodeWhenPlusSignThenKept() {
		assertThat(WireRequests.decode("8%3Aacs%3Aa+b")).isEqualTo("8:acs:a+b");
		assertRefused(() -> WireRequests.decode("%zz"), 400, "BadRequest");
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static void assertRefused(Runnable read, int status, String code) {
		assertThatExceptionOfType(AcsError.class).isThrownBy(read::run).satisfies((error) -> {
			assertThat(error.status()).isEqualTo(status);
			assertThat(error.code()).isEqualTo(code);
		});
	}

}
