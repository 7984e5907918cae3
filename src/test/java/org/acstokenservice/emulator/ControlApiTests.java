package org.acstokenservice.emulator;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The test-only {@code /_emulator/faults} endpoint, for other processes. */
class ControlApiTests {

	private static final String CREATE = "/identities?api-version=2023-10-01";

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

	private static HttpResponse<String> control(String method, String body, String authorization) {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(emulator.endpoint().resolve(ControlApi.FAULTS_PATH.substring(1)))
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
