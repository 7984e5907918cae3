package org.acstokenservice.emulator;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.core.exception.HttpResponseException;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Faults injected through {@link AcsEmulator#faults()}, seen through the real Java SDK
 * (with and without its retries) and a raw HTTP client.
 */
@IntegrationTest
class FaultInjectionTests {

	private static final String CREATE = "/identities?api-version=2023-10-01";

	private AcsEmulator emulator;

	@BeforeEach
	void start() {
		this.emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory());
	}

	@AfterEach
	void stop() {
		this.emulator.close();
	}

	@Test
	void createUserWhenBurstOf503WithRetryAfterThenSdkWaitsAndRecovers() {
		this.emulator.faults().injectNext(2, AcsOperation.CREATE_IDENTITY, Fault.status(503, Duration.ofSeconds(1)));
		CommunicationIdentityClient client = TestClients.retryingSdk(this.emulator, 2);
		long started = System.nanoTime();
		CommunicationUserIdentifier user = client.createUser();
		// The SDK's own delay is 10 ms: only Retry-After makes it wait a second, twice.
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
		assertThat(this.emulator.identityExists(user.getId())).isTrue();
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(1);
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(3);
		assertThat(this.emulator.faults().isActive()).isFalse();
	}

	@Test
	void createWhen503WithRetryAfterThenAcsShapedAnswerWithWholeSeconds() {
		this.emulator.faults().injectNext(1, Fault.status(503, Duration.ofMillis(1500)));
		HttpResponse<String> response = send(CREATE, "{}");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(response.body()).contains("\"code\":\"ServiceUnavailable\"");
		assertThat(this.emulator.liveIdentityCount()).isZero();
		assertThat(send(CREATE, "{}").statusCode()).isEqualTo(201);
	}

	@Test
	void issueTokenWhen429WithoutRetryAfterThenSdkSeesTooManyRequests() {
		CommunicationIdentityClient client = TestClients.sdk(this.emulator);
		CommunicationUserIdentifier user = client.createUser();
		this.emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(429));
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getToken(user, List.of(CommunicationTokenScope.VOIP)))
			.satisfies((ex) -> {
				assertThat(ex.getResponse().getStatusCode()).isEqualTo(429);
				assertThat(ex.getResponse().getHeaderValue("Retry-After")).isNull();
				assertThat(ex.getMessage()).contains("TooManyRequests");
			});
		assertThat(client.getToken(user, List.of(CommunicationTokenScope.VOIP)).getToken()).isNotBlank();
		assertThat(this.emulator.requestCount(AcsOperation.ISSUE_TOKEN)).isEqualTo(2);
	}

	@Test
	void createWhen500ThenInternalErrorAndNoIdentity() {
		this.emulator.faults().injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.status(500));
		HttpResponse<String> response = send(CREATE, "{}");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).contains("\"code\":\"InternalError\"");
		assertThat(this.emulator.liveIdentityCount()).isZero();
	}

	@Test
	void createWhenLatencyThenAnswerNotBeforeIt() {
		this.emulator.faults().injectNext(1, Fault.latency(Duration.ofMillis(700)));
		long started = System.nanoTime();
		assertThat(send(CREATE, "{}").statusCode()).isEqualTo(201);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
	}

	@Test
	void issueTokenWhenManyCreatesHeldBackThenStillAnswered() throws Exception {
		CommunicationIdentityClient client = TestClients.sdk(this.emulator);
		CommunicationUserIdentifier user = client.createUser();
		this.emulator.faults().injectShare(1, AcsOperation.CREATE_IDENTITY, Fault.latency(Duration.ofSeconds(2)));
		HttpClient raw = TestClients.raw(this.emulator);
		// More held-back requests than the server has threads.
		List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			slow.add(raw.sendAsync(signed(CREATE, "{}"), HttpResponse.BodyHandlers.ofString()));
		}
		assertThat(client.getToken(user, List.of(CommunicationTokenScope.CHAT)).getToken()).isNotBlank();
		assertThat(slow).noneMatch(CompletableFuture::isDone);
		for (CompletableFuture<HttpResponse<String>> future : slow) {
			assertThat(future.get().statusCode()).isEqualTo(201);
		}
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(41);
	}

	@Test
	void createWhenDropThenClientFailsAndNothingCreated() {
		this.emulator.faults().injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.drop());
		HttpClient raw = TestClients.raw(this.emulator);
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> raw.send(signed(CREATE, "{}"), HttpResponse.BodyHandlers.ofString()));
		assertThat(this.emulator.liveIdentityCount()).isZero();
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(1);
		assertThat(send(CREATE, "{}").statusCode()).isEqualTo(201);
	}

	@Test
	void createUserWhenAnswerLostAndRepeatabilityHeadersThenSdkRetryGetsTheSameIdentity() {
		this.emulator.faults().injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.dropAfterProcessing());
		CommunicationIdentityClient client = TestClients.retryingSdk(this.emulator, 2,
				TestClients.repeatableRequests());
		CommunicationUserIdentifier user = client.createUser();
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(2);
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(1);
		assertThat(this.emulator.identityExists(user.getId())).isTrue();
	}

	@Test
	void createUserWhenAnswerLostWithoutRepeatabilityHeadersThenRetryMakesASecondIdentity() {
		this.emulator.faults().injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.dropAfterProcessing());
		CommunicationUserIdentifier user = TestClients.retryingSdk(this.emulator, 2).createUser();
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(2);
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(2);
		assertThat(this.emulator.identityExists(user.getId())).isTrue();
	}

	@Test
	void revokeWhenAnswerLostThenRevokedAnyway() {
		CommunicationIdentityClient client = TestClients.sdk(this.emulator);
		CommunicationUserIdentifier user = client.createUser();
		String token = client.getToken(user, List.of(CommunicationTokenScope.CHAT)).getToken();
		this.emulator.faults().injectNext(1, AcsOperation.REVOKE, Fault.dropAfterProcessing());
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> client.revokeTokens(user));
		assertThat(this.emulator.isTokenValid(token)).isFalse();
	}

	@Test
	void createWhenNotAuthenticatedThenNeitherCountedNorFaulted() {
		this.emulator.faults().injectNext(1, Fault.status(503));
		HttpRequest unsigned = HttpRequest.newBuilder(this.emulator.endpoint().resolve(CREATE))
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build();
		assertThat(TestClients.send(TestClients.raw(this.emulator), unsigned).statusCode()).isEqualTo(401);
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isZero();
		assertThat(this.emulator.faults().isActive()).isTrue();
	}

	private HttpRequest signed(String pathAndQuery, String body) {
		return TestClients
			.signed(this.emulator, "POST", pathAndQuery, body, TestClients.accessKey(this.emulator), Instant.now())
			.build();
	}

	private HttpResponse<String> send(String pathAndQuery, String body) {
		return TestClients.send(TestClients.raw(this.emulator), signed(pathAndQuery, body));
	}

}
