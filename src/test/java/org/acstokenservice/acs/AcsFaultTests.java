package org.acstokenservice.acs;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.acstokenservice.ServiceTest;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsOperation;
import org.acstokenservice.emulator.Fault;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a front end gets when ACS misbehaves, with faults injected into the emulator:
 * quick, retryable answers, never a 500, and no identity lost or duplicated. Reuse is off
 * so that every token request reaches ACS.
 */
@ServiceTest
@TestPropertySource(properties = { "tokens.reuse.enabled=false", "acs.client.max-retries=1",
		"acs.client.retry-delay=50ms", "acs.client.response-timeout=1s", "acs.client.max-retry-after=1s",
		"acs.circuit-breaker.minimum-number-of-calls=1000", "identity.deletion-retry-interval=1h" })
class AcsFaultTests {

	@Autowired
	ServiceClient client;

	@Autowired
	AcsEmulator emulator;

	@BeforeEach
	void setUp() {
		/*
		 * Every user has an identity before faults start, so that a token is one ACS
		 * call.
		 */
		for (String user : new String[] { "alice", "bob", "admin" }) {
			assertThat(this.client.post("/token", user, null).statusCode()).isEqualTo(200);
		}
		this.emulator.resetRequestCounts();
	}

	@AfterEach
	void clearFaults() {
		this.emulator.faults().clear();
	}

	@Test
	void issueTokenWhenAcsSaysComeBackLaterThenUnavailableAtOnceWithItsRetryAfter() {
		this.emulator.faults().injectNext(5, AcsOperation.ISSUE_TOKEN, Fault.status(503, Duration.ofSeconds(30)));

		HttpResponse<String> response = this.client.post("/token", "alice", null);

		assertProblem(response, 503, "acs_unavailable");
		assertThat(response.headers().firstValue("Retry-After")).contains("30");
		assertThat(this.emulator.requestCount(AcsOperation.ISSUE_TOKEN)).as("not retried: the wait is too long")
			.isEqualTo(1);
	}

	@Test
	void issueTokenWhenThrottledOnceWithoutRetryAfterThenRetriedAndIssued() {
		this.emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(429));

		HttpResponse<String> response = this.client.post("/token", "alice", null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(this.emulator.requestCount(AcsOperation.ISSUE_TOKEN)).isEqualTo(2);
	}

	@Test
	void issueTokenWhenAcsKeepsFailingThenUnavailableWithRetryAfterThenRecovers() {
		this.emulator.faults().injectNext(2, AcsOperation.ISSUE_TOKEN, Fault.status(500));

		HttpResponse<String> failed = this.client.post("/token", "bob", null);

		assertProblem(failed, 503, "acs_unavailable");
		assertThat(failed.headers().firstValue("Retry-After")).isPresent();
		assertThat(this.client.post("/token", "bob", null).statusCode()).isEqualTo(200);
	}

	@Test
	void issueTokenWhenAcsRefusesForItsOwnReasonThenBadGateway() {
		this.emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(403));

		assertProblem(this.client.post("/token", "alice", null), 502, "acs_rejected");
	}

	@Test
	void issueTokenWhenAcsAnswers404WithoutIdentityNotFoundThenRejectedAndIdentityKept() {
		String identity = ServiceClient.json(this.client.get("/identity", "alice"))
			.path("communicationUserId")
			.asString();
		// A 404 that is not ACS's IdentityNotFound: a proxy's, or a wrong endpoint path.
		this.emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(404));

		assertProblem(this.client.post("/token", "alice", null), 502, "acs_rejected");
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).as("no replacement made").isZero();
		assertThat(ServiceClient.json(this.client.get("/identity", "alice")).path("communicationUserId").asString())
			.isEqualTo(identity);
		assertThat(this.emulator.identityExists(identity)).isTrue();
	}

	@Test
	void issueTokenWhenAcsTooSlowThenUnavailable() {
		this.emulator.faults().injectNext(2, AcsOperation.ISSUE_TOKEN, Fault.latency(Duration.ofSeconds(3)));

		assertProblem(this.client.post("/token", "alice", null), 503, "acs_unavailable");
	}

	@Test
	void issueTokenWhenConnectionDroppedOnceThenRetriedAndIssued() {
		this.emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.drop());

		HttpResponse<String> response = this.client.post("/token", "alice", null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	@Test
	void createWhenAnswerLostThenRetriedAsOneIdentity() {
		HttpRequest erase = this.client.request("/identity", "admin").DELETE().build();
		assertThat(this.client.send(erase).statusCode()).isEqualTo(204);
		int before = this.emulator.liveIdentityCount();
		this.emulator.faults().injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.dropAfterProcessing());

		HttpResponse<String> response = this.client.post("/token", "admin", null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(2);
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(before + 1);
		String identity = ServiceClient.json(response).path("user").path("communicationUserId").asString();
		assertThat(this.emulator.identityExists(identity)).isTrue();
	}

	@Test
	void eraseWhenAcsFailsThenForgottenHereAndDeletedAtAcsWhenRetried() {
		String identity = ServiceClient.json(this.client.get("/identity", "bob"))
			.path("communicationUserId")
			.asString();
		this.emulator.faults().injectNext(2, AcsOperation.DELETE, Fault.status(503));

		HttpResponse<String> erase = this.client.send(this.client.request("/identity", "bob").DELETE().build());

		assertProblem(erase, 503, "acs_unavailable");
		assertThat(this.client.get("/identity", "bob").statusCode()).as("never handed out again").isEqualTo(404);
		assertThat(this.emulator.identityExists(identity)).as("not yet deleted at ACS").isTrue();

		this.emulator.faults().clear();
		HttpResponse<String> retried = this.client.send(this.client.request("/identity", "bob").DELETE().build());

		assertThat(retried.statusCode()).isEqualTo(204);
		assertThat(this.emulator.identityExists(identity)).as("deleted by the retry").isFalse();
		JsonNode fresh = ServiceClient.json(this.client.post("/token", "bob", null));
		assertThat(fresh.path("user").path("communicationUserId").asString()).isNotEqualTo(identity);
	}

	static void assertProblem(HttpResponse<String> response, int status, String code) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(ServiceClient.json(response).path("code").asString()).isEqualTo(code);
	}

}
