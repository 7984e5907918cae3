package org.acstokenservice.emulator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class RequestAuthenticatorTests {

	// A made-up key, signed as the Java SDK signs (HmacSignature says how).
	private static final String KEY = "dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=";

	private static final byte[] BODY = "{\"scopes\":[\"voip\"],\"expiresInMinutes\":60}"
		.getBytes(StandardCharsets.UTF_8);

	private static final String DATE = "Tue, 02 Jan 2024 03:04:05 GMT";

	private static final Instant SIGNED_AT = Instant.parse("2024-01-02T03:04:05Z");

	private static final String HOST = "my-resource.communication.azure.com";

	private static final URI PATH = URI.create(
			"/identities/8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_00000005-14a2-493b-8a72-5a3a0d000081/:issueAccessToken?api-version=2023-10-01");

	private static final String CONTENT_HASH = "GNtmihW0aWKrZ0DRV1+wUfLysZuegWcqHu8n9mgUyTE=";

	private static final String SIGNATURE = "XLl+gdYvkRuDKrPQzuKFkvEriK2uTLWagX3uBklMQEk=";

	@Test
	void authenticateWhenAcsTestVectorThenAccepted() {
		assertThatNoException()
			.isThrownBy(() -> authenticator(SIGNED_AT).authenticate("POST", PATH, signedHeaders(HOST), BODY));
	}

	@Test
	void authenticateWhenHostHeaderCarriesPortThatWasNotSignedThenAccepted() {
		assertThatNoException()
			.isThrownBy(() -> authenticator(SIGNED_AT).authenticate("POST", PATH, signedHeaders(HOST + ":443"), BODY));
	}

	@Test
	void authenticateWhenDateWithinSkewThenAccepted() {
		Instant now = SIGNED_AT.plus(RequestAuthenticator.MAX_CLOCK_SKEW);
		assertThatNoException()
			.isThrownBy(() -> authenticator(now).authenticate("POST", PATH, signedHeaders(HOST), BODY));
	}

	@Test
	void authenticateWhenDateMoreThanFifteenMinutesOffThenDenied() {
		Instant now = SIGNED_AT.minus(RequestAuthenticator.MAX_CLOCK_SKEW).minusSeconds(1);
		assertDenied(() -> authenticator(now).authenticate("POST", PATH, signedHeaders(HOST), BODY), "x-ms-date");
	}

	@Test
	void authenticateWhenBodyDiffersFromContentHashThenDenied() {
		byte[] other = "{\"scopes\":[\"chat\"],\"expiresInMinutes\":60}".getBytes(StandardCharsets.UTF_8);
		assertDenied(() -> authenticator(SIGNED_AT).authenticate("POST", PATH, signedHeaders(HOST), other),
				"differs from generated content hash");
	}

	@Test
	void authenticateWhenPathNotTheSignedOneThenDenied() {
		URI other = URI.create(PATH.getRawPath() + "?api-version=2022-10-01");
		assertDenied(() -> authenticator(SIGNED_AT).authenticate("POST", other, signedHeaders(HOST), BODY),
				"signature does not match");
	}

	@Test
	void authenticateWhenHeaderMissingThenDenied() {
		Headers headers = signedHeaders(HOST);
		headers.remove("x-ms-content-sha256");
		assertDenied(() -> authenticator(SIGNED_AT).authenticate("POST", PATH, headers, BODY),
				"'x-ms-content-sha256' is missing");
	}

	@Test
	void authenticateWhenBearerTokenTrustedThenAccepted() {
		Headers headers = new Headers();
		headers.set("Authorization", "Bearer entra-token");
		RequestAuthenticator authenticator = new RequestAuthenticator(new HmacSignature(KEY),
				Clock.fixed(SIGNED_AT, ZoneOffset.UTC), Set.of("entra-token"));
		assertThatNoException().isThrownBy(() -> authenticator.authenticate("POST", PATH, headers, BODY));
	}

	@Test
	void authenticateWhenBearerTokenNotTrustedThenDenied() {
		Headers headers = new Headers();
		headers.set("Authorization", "Bearer other-token");
		RequestAuthenticator authenticator = new RequestAuthenticator(new HmacSignature(KEY),
				Clock.fixed(SIGNED_AT, ZoneOffset.UTC), Set.of("entra-token"));
		assertDenied(() -> authenticator.authenticate("POST", PATH, headers, BODY), "bearer token is not valid");
	}

	@Test
	void signedHostCandidatesWhenPortThenHeaderAndHeaderWithoutPort() {
		assertThat(RequestAuthenticator.signedHostCandidates("127.0.0.1:8443")).containsExactly("127.0.0.1:8443",
				"127.0.0.1");
		assertThat(RequestAuthenticator.signedHostCandidates("[::1]:8443")).containsExactly("[::1]:8443", "[::1]");
	}

	@Test
	void signedHostCandidatesWhenNoPortThenHeaderOnly() {
		assertThat(RequestAuthenticator.signedHostCandidates("my-resource.communication.azure.com"))
			.containsExactly("my-resource.communication.azure.com");
		assertThat(RequestAuthenticator.signedHostCandidates("[::1]")).containsExactly("[::1]");
	}

	private static RequestAuthenticator authenticator(Instant now) {
		return new RequestAuthenticator(new HmacSignature(KEY), Clock.fixed(now, ZoneOffset.UTC), Set.of());
	}

	private static Headers signedHeaders(String host) {
		Headers headers = new Headers();
		headers.set("Host", host);
		headers.set("x-ms-date", DATE);
		headers.set("x-ms-content-sha256", CONTENT_HASH);
		headers.set("Authorization", HmacSignature.authorization(SIGNATURE));
		return headers;
	}

	private static void assertDenied(Runnable authentication, String message) {
		assertThatExceptionOfType(AcsError.class).isThrownBy(authentication::run).satisfies((error) -> {
			assertThat(error.status()).isEqualTo(401);
			assertThat(error.code()).isEqualTo("Denied");
		}).withMessageContaining(message);
	}

}
