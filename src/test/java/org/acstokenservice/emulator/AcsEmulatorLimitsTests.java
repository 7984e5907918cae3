package org.acstokenservice.emulator;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.implementation.models.CommunicationErrorResponseException;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.core.exception.HttpResponseException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * ACS's limits on the wire: beyond a limit a call gets 429 with {@code Retry-After} and
 * ACS's error body, changes nothing, and goes through again once the window has passed.
 * Small limits keep the tests fast; a clock that only the test moves keeps the waits
 * exact.
 */
@IntegrationTest
class AcsEmulatorLimitsTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String API = "?api-version=2023-10-01";

	private final ManualClock clock = new ManualClock();

	private AcsEmulator emulator;

	private HttpClient http;

	@AfterEach
	void stop() {
		if (this.emulator != null) {
			this.emulator.close();
		}
	}

	@ParameterizedTest
	@EnumSource(AcsLimit.class)
	void callWhenLimitSpentThen429WithRetryAfterCountingDownUntilTheWindowPasses(AcsLimit limit) throws Exception {
		start(LimitSettings.acs().withEveryLimit(3));
		Calls calls = new Calls(limit, 6);
		for (int i = 0; i < 3; i++) {
			assertThat(calls.next().statusCode()).isBetween(200, 204);
		}

		HttpResponse<String> throttled = calls.next();
		assertThat(throttled.statusCode()).isEqualTo(429);
		assertThat(throttled.headers().firstValue("Retry-After")).hasValue("30");
		assertThat(throttled.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		JsonNode error = json.readTree(throttled.body());
		assertThat(error.propertyNames()).containsExactly("error");
		assertThat(error.at("/error/code").stringValue()).isEqualTo("TooManyRequests");
		assertThat(error.at("/error/message").stringValue()).contains(limit.title()).contains("3 calls per 30 seconds");

		this.clock.advance(Duration.ofSeconds(10));
		assertThat(calls.next().headers().firstValue("Retry-After")).hasValue("20");
		this.clock.advance(Duration.ofMillis(19_001));
		assertThat(calls.next().headers().firstValue("Retry-After")).as("rounded up").hasValue("1");
		this.clock.advance(Duration.ofMillis(999));
		assertThat(calls.next().statusCode()).isBetween(200, 204);
		assertThat(this.emulator.limits().usage(limit).totalThrottled()).isEqualTo(3);
	}

	@Test
	void callWhenThrottledThenNothingChanges() {
		start(LimitSettings.acs().withEveryLimit(1));
		String kept = createIdentity();
		String token = issueToken(kept);
		this.emulator.limits().reset();
		spendEveryAllowance();
		int identities = this.emulator.liveIdentityCount();

		assertThat(send("POST", "/identities" + API, "{}").statusCode()).isEqualTo(429);
		assertThat(send("POST", "/identities" + API, "{\"createTokenWithScopes\":[\"chat\"]}").statusCode())
			.isEqualTo(429);
		assertThat(send("POST", "/identities/" + kept + "/:revokeAccessTokens" + API, "").statusCode()).isEqualTo(429);
		assertThat(send("DELETE", "/identities/" + kept + API, "").statusCode()).isEqualTo(429);

		assertThat(this.emulator.liveIdentityCount()).isEqualTo(identities);
		assertThat(this.emulator.identityExists(kept)).isTrue();
		assertThat(this.emulator.isTokenValid(token)).as("not revoked").isTrue();
	}

	@Test
	void createWhenWithAndWithoutTokenThenSeparateLimits() {
		start(LimitSettings.acs().withEveryLimit(1));
		assertThat(send("POST", "/identities" + API, "{}").statusCode()).isEqualTo(201);
		assertThat(send("POST", "/identities" + API, "").statusCode()).as("no body is a plain create too")
			.isEqualTo(429);
		assertThat(send("POST", "/identities" + API, "{\"createTokenWithScopes\":[]}").statusCode())
			.as("no scopes, no token")
			.isEqualTo(429);
		assertThat(send("POST", "/identities" + API, "{\"createTokenWithScopes\":[\"voip\"]}").statusCode())
			.isEqualTo(201);
		assertThat(send("POST", "/identities" + API, "{\"createTokenWithScopes\":[\"chat\"]}").statusCode())
			.isEqualTo(429);
		assertThat(this.emulator.limits().usage(AcsLimit.CREATE_IDENTITY).totalThrottled()).isEqualTo(2);
		assertThat(this.emulator.limits().usage(AcsLimit.CREATE_IDENTITY_AND_TOKEN).totalThrottled()).isEqualTo(1);
	}

	@Test
	void callWhenThrottledThenStillCountedAsARequest() {
		start(LimitSettings.acs().withEveryLimit(1));
		send("POST", "/identities" + API, "{}");
		send("POST", "/identities" + API, "{}");
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(2);
		assertThat(this.emulator.limits().usage(AcsLimit.CREATE_IDENTITY).totalCalls()).isEqualTo(1);
	}

	@Test
	void callWhenNotAuthenticatedOrApiVersionUnknownThenNeitherCountedNorThrottled() {
		start(LimitSettings.acs().withEveryLimit(1));
		this.emulator.limits().spend(AcsLimit.CREATE_IDENTITY, 1);
		HttpRequest unsigned = HttpRequest.newBuilder(this.emulator.endpoint().resolve("identities" + API))
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build();
		assertThat(TestClients.send(this.http, unsigned).statusCode()).isEqualTo(401);
		assertThat(send("POST", "/identities?api-version=2019-01-01", "{}").statusCode()).isEqualTo(400);
		assertThat(this.emulator.limits().usage(AcsLimit.CREATE_IDENTITY).totalThrottled()).isZero();
	}

	@Test
	void callWhenThrottledThenInjectedFaultNeitherAppliedNorUsedUp() {
		start(LimitSettings.acs().withEveryLimit(1));
		assertThat(send("POST", "/identities" + API, "{}").statusCode()).isEqualTo(201);
		this.emulator.faults().injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.status(503));

		assertThat(send("POST", "/identities" + API, "{}").statusCode()).isEqualTo(429);
		assertThat(this.emulator.faults().isActive()).isTrue();

		this.clock.advance(Duration.ofSeconds(30));
		assertThat(send("POST", "/identities" + API, "{}").statusCode()).as("admitted, then faulted").isEqualTo(503);
		assertThat(this.emulator.faults().isActive()).isFalse();
		assertThat(send("POST", "/identities" + API, "{}").statusCode()).as("the faulted call counted").isEqualTo(429);
	}

	@Test
	void startWhenInMemoryThenAcsLimitsOn() {
		try (AcsEmulator defaults = AcsEmulator.start(AcsEmulatorSettings.inMemory())) {
			LimitSettings settings = defaults.limits().settings();
			assertThat(settings).isEqualTo(LimitSettings.acs());
			assertThat(settings.enabled()).isTrue();
			assertThat(settings.window()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.perWindow(AcsLimit.CREATE_IDENTITY)).isEqualTo(1000);
			assertThat(settings.perWindow(AcsLimit.CREATE_IDENTITY_AND_TOKEN)).isEqualTo(1000);
			assertThat(settings.perWindow(AcsLimit.ISSUE_TOKEN)).isEqualTo(1000);
			assertThat(settings.perWindow(AcsLimit.REVOKE)).isEqualTo(500);
			assertThat(settings.perWindow(AcsLimit.DELETE)).isEqualTo(500);
			assertThat(settings.perWindow(AcsLimit.TEAMS_EXCHANGE)).isEqualTo(500);
			assertThat(defaults.limits().usage(AcsLimit.ISSUE_TOKEN).remaining()).isEqualTo(1000);
		}
	}

	@Test
	void createWhenLimitsOffThenNo429HoweverManyCalls() {
		start(LimitSettings.off().withEveryLimit(1));
		for (int i = 0; i < 20; i++) {
			assertThat(send("POST", "/identities" + API, "{}").statusCode()).isEqualTo(201);
		}
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(20);
	}

	@Test
	void getTokenWhenLimitSpentThenSdkSeesAcsTooManyRequests() {
		start(LimitSettings.acs());
		CommunicationIdentityClient client = TestClients.sdk(this.emulator);
		CommunicationUserIdentifier user = client.createUser();
		assertThat(this.emulator.limits().spend(AcsLimit.ISSUE_TOKEN, 1000)).isEqualTo(1000);

		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getToken(user, List.of(CommunicationTokenScope.CHAT)))
			.satisfies((ex) -> {
				assertThat(ex.getResponse().getStatusCode()).isEqualTo(429);
				assertThat(ex.getResponse().getHeaderValue("Retry-After")).isEqualTo("30");
				// How the service reads ACS's error code.
				assertThat(ex).isInstanceOfSatisfying(CommunicationErrorResponseException.class,
						(error) -> assertThat(error.getValue().getError().getCode()).isEqualTo("TooManyRequests"));
			});
		assertThat(this.emulator.requestCount(AcsOperation.ISSUE_TOKEN)).as("not retried").isEqualTo(1);
	}

	@Test
	void getTokenWhenThrottledAndSdkRetriesThenItWaitsRetryAfterAndSucceeds() {
		// The real clock: the SDK really waits, so the window is one second.
		this.emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory()
			.withLimits(LimitSettings.acs().withLimit(AcsLimit.ISSUE_TOKEN, 1).withWindow(Duration.ofSeconds(1))));
		CommunicationIdentityClient client = TestClients.retryingSdk(this.emulator, 1);
		CommunicationUserIdentifier user = client.createUser();
		client.getToken(user, List.of(CommunicationTokenScope.CHAT));
		assertThat(client.getToken(user, List.of(CommunicationTokenScope.CHAT)).getToken()).isNotBlank();
		assertThat(this.emulator.requestCount(AcsOperation.ISSUE_TOKEN)).isEqualTo(3);
		assertThat(this.emulator.limits().usage(AcsLimit.ISSUE_TOKEN).totalThrottled()).isEqualTo(1);
	}

	private void start(LimitSettings limits) {
		this.emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory().withClock(this.clock).withLimits(limits));
		this.http = TestClients.raw(this.emulator);
	}

	private void spendEveryAllowance() {
		for (AcsLimit limit : AcsLimit.values()) {
			this.emulator.limits().spend(limit, this.emulator.limits().settings().perWindow(limit));
		}
	}

	private HttpResponse<String> send(String method, String pathAndQuery, String body) {
		return TestClients.send(this.http,
				TestClients
					.signed(this.emulator, method, pathAndQuery, body, TestClients.accessKey(this.emulator),
							Instant.now())
					.build());
	}

	private String createIdentity() {
		HttpResponse<String> created = send("POST", "/identities" + API, "{}");
		assertThat(created.statusCode()).isEqualTo(201);
		return json.readTree(created.body()).at("/identity/id").stringValue();
	}

	private String issueToken(String identity) {
		HttpResponse<String> issued = send("POST", "/identities/" + identity + "/:issueAccessToken" + API,
				"{\"scopes\":[\"chat\"]}");
		assertThat(issued.statusCode()).isEqualTo(200);
		return json.readTree(issued.body()).at("/token").stringValue();
	}

	/**
	 * Calls that count against one limit, each one that ACS would answer with success:
	 * what they need (identities to delete, say) is made first, outside the limits.
	 */
	private final class Calls {

		private final AcsLimit limit;

		private final Deque<String> identities = new ArrayDeque<>();

		Calls(AcsLimit limit, int count) throws Exception {
			this.limit = limit;
			for (int i = 0; i < count; i++) {
				this.identities.add(createIdentity());
				AcsEmulatorLimitsTests.this.emulator.limits().reset();
			}
		}

		HttpResponse<String> next() throws Exception {
			String identity = this.identities.peek();
			return switch (this.limit) {
				case CREATE_IDENTITY -> send("POST", "/identities" + API, "{}");
				case CREATE_IDENTITY_AND_TOKEN ->
					send("POST", "/identities" + API, "{\"createTokenWithScopes\":[\"chat\"]}");
				case ISSUE_TOKEN ->
					send("POST", "/identities/" + identity + "/:issueAccessToken" + API, "{\"scopes\":[\"chat\"]}");
				case REVOKE -> send("POST", "/identities/" + identity + "/:revokeAccessTokens" + API, "");
				case DELETE -> deleteNext();
				case TEAMS_EXCHANGE -> exchangeTeamsToken();
			};
		}

		/** Deletes a fresh identity; a throttled delete leaves it for the next call. */
		private HttpResponse<String> deleteNext() {
			HttpResponse<String> response = send("DELETE", "/identities/" + this.identities.peek() + API, "");
			if (response.statusCode() == 204) {
				this.identities.pop();
			}
			return response;
		}

		private HttpResponse<String> exchangeTeamsToken() throws Exception {
			String appId = UUID.randomUUID().toString();
			String userId = UUID.randomUUID().toString();
			SignedJWT teamsToken = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
					new JWTClaimsSet.Builder().claim("appid", appId)
						.claim("oid", userId)
						.expirationTime(Date.from(AcsEmulatorLimitsTests.this.clock.instant().plusSeconds(3600)))
						.build());
			teamsToken.sign(new MACSigner(new byte[32]));
			return send("POST", "/teamsUser/:exchangeAccessToken" + API, "{\"token\":\"" + teamsToken.serialize()
					+ "\",\"appId\":\"" + appId + "\",\"userId\":\"" + userId + "\"}");
		}

	}

}
