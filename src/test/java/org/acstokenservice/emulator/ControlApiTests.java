package org.acstokenservice.emulator;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The test-only {@code /_emulator/faults} and {@code /_emulator/limits} endpoints, for
 * other processes.
 */
@IntegrationTest
class ControlApiTests {

	private static final String CREATE = "/identities?api-version=2023-10-01";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static AcsEmulator emulator;

	private static HttpClient client;

	@BeforeAll
	static void start() {
		emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory());
		client = TestClients.raw(emulator);
	}

	@AfterAll
	static void stop() {
		emulator.close();
	}

	@AfterEach
	void clear() {
		emulator.faults().clear();
		emulator.limits().reset();
	}

	@Test
	void postFaultWhenAccessKeyThenInjectedForTheBurst() {
		HttpResponse<String> posted = control("POST",
				"{\"fault\":\"status\",\"status\":503,\"retryAfter\":\"2s\",\"operation\":\"create-identity\",\"next\":1}",
				"Bearer " + TestClients.accessKey(emulator));
		assertThat(posted.statusCode()).isEqualTo(204);
		HttpResponse<String> faulted = create();
		assertThat(faulted.statusCode()).isEqualTo(503);
		assertThat(faulted.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(create().statusCode()).isEqualTo(201);
	}

	@Test
	void deleteFaultsWhenAccessKeyThenCleared() {
		control("POST", "{\"fault\":\"drop\"}", "Bearer " + TestClients.accessKey(emulator));
		assertThat(emulator.faults().isActive()).isTrue();
		assertThat(control("DELETE", "", "Bearer " + TestClients.accessKey(emulator)).statusCode()).isEqualTo(204);
		assertThat(emulator.faults().isActive()).isFalse();
		assertThat(create().statusCode()).isEqualTo(201);
	}

	@Test
	void postFaultWhenNoOrWrongKeyThenUnauthorizedAndNothingInjected() {
		assertThat(control("POST", "{\"fault\":\"drop\"}", null).statusCode()).isEqualTo(401);
		HttpResponse<String> wrongKey = control("POST", "{\"fault\":\"drop\"}",
				"Bearer dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=");
		assertThat(wrongKey.statusCode()).isEqualTo(401);
		assertThat(wrongKey.body()).contains("\"code\":\"Denied\"").doesNotContain(TestClients.accessKey(emulator));
		assertThat(emulator.faults().isActive()).isFalse();
	}

	@Test
	void postFaultWhenBadBodyThenBadRequest() {
		String key = "Bearer " + TestClients.accessKey(emulator);
		assertThat(control("POST", "{\"fault\":\"explode\"}", key).statusCode()).isEqualTo(400);
		assertThat(control("POST", "{\"fault\":\"latency\",\"latency\":\"soon\"}", key).statusCode()).isEqualTo(400);
		assertThat(control("POST", "{\"fault\":\"drop\",\"share\":2}", key).statusCode()).isEqualTo(400);
		assertThat(control("POST", "{\"fault\":\"drop\",\"operation\":\"rename\"}", key).statusCode()).isEqualTo(400);
		assertThat(control("POST", "not json", key).statusCode()).isEqualTo(400);
		assertThat(emulator.faults().isActive()).isFalse();
	}

	@Test
	void getLimitsWhenAccessKeyThenEveryLimitWithItsWindowAndCounts() {
		assertThat(create().statusCode()).isEqualTo(201);
		HttpResponse<String> response = control("GET", ControlApi.LIMITS_PATH, "", key());
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode limits = json.readTree(response.body());
		assertThat(limits.path("enabled").booleanValue()).isTrue();
		assertThat(limits.path("windowSeconds").intValue()).isEqualTo(30);
		assertThat(limits.path("operations").propertyNames()).containsExactly("create-identity",
				"create-identity-and-token", "issue-token", "revoke", "delete", "teams-exchange");
		JsonNode created = limits.at("/operations/create-identity");
		assertThat(created.path("limit").intValue()).isEqualTo(1000);
		assertThat(created.path("callsInWindow").intValue()).isEqualTo(1);
		assertThat(created.path("remaining").intValue()).isEqualTo(999);
		assertThat(created.path("throttledInWindow").intValue()).isZero();
		assertThat(created.path("totalCalls").intValue()).isEqualTo(1);
		assertThat(created.path("totalThrottled").intValue()).isZero();
		assertThat(created.path("retryAfterSeconds").intValue()).isZero();
		Instant start = Instant.parse(created.path("windowStart").stringValue());
		Instant end = Instant.parse(created.path("windowEnd").stringValue());
		assertThat(Duration.between(start, end)).isEqualTo(Duration.ofSeconds(30));
		assertThat(end).isCloseTo(Instant.now(), within(5, ChronoUnit.SECONDS));
		assertThat(limits.at("/operations/revoke/limit").intValue()).isEqualTo(500);
	}

	@Test
	void spendWhenAccessKeyThenCountedAndTheNextCallThrottled() {
		HttpResponse<String> spent = control("POST", ControlApi.SPEND_PATH,
				"{\"operation\":\"create-identity\",\"calls\":1000}", key());
		assertThat(spent.statusCode()).isEqualTo(200);
		assertThat(json.readTree(spent.body()).path("counted").intValue()).isEqualTo(1000);
		assertThat(json.readTree(spent.body()).path("throttled").intValue()).isZero();

		HttpResponse<String> throttled = create();
		assertThat(throttled.statusCode()).isEqualTo(429);
		assertThat(throttled.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 30));
		assertThat(json.readTree(throttled.body()).at("/error/code").stringValue()).isEqualTo("TooManyRequests");

		HttpResponse<String> beyond = control("POST", ControlApi.SPEND_PATH,
				"{\"operation\":\"createIdentity\",\"calls\":5}", key());
		assertThat(json.readTree(beyond.body()).path("counted").intValue()).isZero();
		assertThat(json.readTree(beyond.body()).path("throttled").intValue()).isEqualTo(5);
		JsonNode usage = json.readTree(control("GET", ControlApi.LIMITS_PATH, "", key()).body())
			.at("/operations/create-identity");
		assertThat(usage.path("throttledInWindow").intValue()).isEqualTo(6);
		assertThat(usage.path("remaining").intValue()).isZero();
		assertThat(usage.path("retryAfterSeconds").intValue()).isBetween(1, 30);
	}

	@Test
	void deleteLimitsWhenAccessKeyThenWindowsEmptyAgain() {
		control("POST", ControlApi.SPEND_PATH, "{\"operation\":\"create-identity\",\"calls\":1000}", key());
		assertThat(create().statusCode()).isEqualTo(429);
		assertThat(control("DELETE", ControlApi.LIMITS_PATH, "", key()).statusCode()).isEqualTo(204);
		assertThat(create().statusCode()).isEqualTo(201);
		assertThat(emulator.limits().usage(AcsLimit.CREATE_IDENTITY).totalThrottled()).isZero();
	}

	@Test
	void limitsWhenNoOrWrongKeyThenUnauthorizedAndNothingSpentOrReset() {
		emulator.limits().spend(AcsLimit.ISSUE_TOKEN, 10);
		String wrong = "Bearer dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=";
		for (String authorization : new String[] { null, wrong }) {
			HttpResponse<String> read = control("GET", ControlApi.LIMITS_PATH, "", authorization);
			assertThat(read.statusCode()).isEqualTo(401);
			assertThat(read.body()).contains("\"code\":\"Denied\"").doesNotContain("callsInWindow");
			assertThat(
					control("POST", ControlApi.SPEND_PATH, "{\"operation\":\"issue-token\",\"calls\":5}", authorization)
						.statusCode())
				.isEqualTo(401);
			assertThat(control("DELETE", ControlApi.LIMITS_PATH, "", authorization).statusCode()).isEqualTo(401);
		}
		assertThat(emulator.limits().usage(AcsLimit.ISSUE_TOKEN).totalCalls()).isEqualTo(10);
	}

	@Test
	void spendWhenBadBodyThenBadRequestInAcsShape() {
		for (String body : new String[] { "{\"operation\":\"rename\",\"calls\":1}", "{\"calls\":1}",
				"{\"operation\":7,\"calls\":1}", "{\"operation\":\"issue-token\"}",
				"{\"operation\":\"issue-token\",\"calls\":0}", "{\"operation\":\"issue-token\",\"calls\":1.5}",
				"{\"operation\":\"issue-token\",\"calls\":\"9\"}",
				"{\"operation\":\"issue-token\",\"calls\":1000001}" }) {
			HttpResponse<String> response = control("POST", ControlApi.SPEND_PATH, body, key());
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(json.readTree(response.body()).at("/error/code").stringValue()).as(body)
				.isEqualTo("ValidationError");
			assertThat(json.readTree(response.body()).at("/error/message").stringValue()).as(body).isNotBlank();
		}
		HttpResponse<String> notJson = control("POST", ControlApi.SPEND_PATH, "not json", key());
		assertThat(notJson.statusCode()).isEqualTo(400);
		assertThat(json.readTree(notJson.body()).at("/error/code").stringValue()).isEqualTo("BadRequest");
		assertThat(emulator.limits().usage(AcsLimit.ISSUE_TOKEN).totalCalls()).isZero();
	}

	@Test
	void limitsWhenWrongMethodOrPathThenMethodNotAllowedOrNotFound() {
		assertThat(control("POST", ControlApi.LIMITS_PATH, "{}", key()).statusCode()).isEqualTo(405);
		assertThat(control("GET", ControlApi.SPEND_PATH, "", key()).statusCode()).isEqualTo(405);
		assertThat(control("GET", "/_emulator/limits/other", "", key()).statusCode()).isEqualTo(404);
	}

	@Test
	void spendWhenLimitsOffThenConflict() {
		try (AcsEmulator off = AcsEmulator.start(AcsEmulatorSettings.inMemory().withLimits(LimitSettings.off()))) {
			HttpRequest request = HttpRequest.newBuilder(off.endpoint().resolve(ControlApi.SPEND_PATH.substring(1)))
				.POST(HttpRequest.BodyPublishers.ofString("{\"operation\":\"issue-token\",\"calls\":5}"))
				.header("Authorization", "Bearer " + TestClients.accessKey(off))
				.build();
			HttpResponse<String> response = TestClients.send(TestClients.raw(off), request);
			assertThat(response.statusCode()).isEqualTo(409);
			assertThat(json.readTree(response.body()).at("/error/code").stringValue()).isEqualTo("LimitsDisabled");
		}
	}

	private static String key() {
		return "Bearer " + TestClients.accessKey(emulator);
	}

	private static HttpResponse<String> control(String method, String body, String authorization) {
		return control(method, ControlApi.FAULTS_PATH, body, authorization);
	}

	private static HttpResponse<String> control(String method, String path, String body, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(emulator.endpoint().resolve(path.substring(1)))
			.method(method, HttpRequest.BodyPublishers.ofString(body));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return TestClients.send(client, request.build());
	}

	private static HttpResponse<String> create() {
		return TestClients.send(client,
				TestClients.signed(emulator, "POST", CREATE, "{}", TestClients.accessKey(emulator), Instant.now())
					.build());
	}

}
