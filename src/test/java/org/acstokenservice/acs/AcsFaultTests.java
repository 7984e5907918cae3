package org.acstokenservice.acs;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestUsers;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsOperation;
import org.acstokenservice.emulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a front end gets when ACS misbehaves, end to end with faults injected into the
 * emulator: quick, retryable answers, never a 500, and no identity lost or duplicated.
 * How the client retries and times out is {@link AcsClientTests}'; each test here signs
 * in as users of its own, and asks for scopes it has not had yet when it needs a call to
 * reach ACS rather than a reused token.
 */
@JwtServiceTest
class AcsFaultTests {

	private static final String VOIP = "{\"scopes\":[\"voip\"]}";

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Autowired
	AcsEmulator emulator;

	@AfterEach
	void clearFaults() {
		this.emulator.faults().clear();
	}

	@Test
	void issueTokenWhenAcsSaysComeBackLaterThenUnavailableWithItsRetryAfter() {
		String user = userWithIdentity();
		this.emulator.faults().injectNext(5, AcsOperation.ISSUE_TOKEN, Fault.status(503, Duration.ofSeconds(30)));

		HttpResponse<String> response = this.client.post("/token", user, VOIP);

		assertProblem(response, 503, "acs_unavailable");
		assertThat(response.headers().firstValue("Retry-After")).contains("30");
	}

	@Test
	void issueTokenWhenAcsUnavailableThenFreshTokenIssuedBeforeStillHandedBack() {
		String user = this.users.standard();
		HttpResponse<String> first = this.client.post("/token", user, null);
		assertThat(first.statusCode()).isEqualTo(200);
		this.emulator.faults().injectShare(1.0, AcsOperation.ISSUE_TOKEN, Fault.status(503, Duration.ofSeconds(30)));

		assertProblem(this.client.post("/token", user, VOIP), 503, "acs_unavailable");
		HttpResponse<String> reused = this.client.post("/token", user, null);

		assertThat(reused.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(reused).path("token").asString())
			.isEqualTo(ServiceClient.json(first).path("token").asString());
	}

	@Test
	void issueTokenWhenAcsRefusesForItsOwnReasonThenBadGateway() {
		String user = userWithIdentity();
		this.emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(403));

		assertProblem(this.client.post("/token", user, VOIP), 502, "acs_rejected");
	}

	@Test
	void issueTokenWhenAcsAnswers404WithoutIdentityNotFoundThenRejectedAndIdentityKept() {
		String user = userWithIdentity();
		String identity = identityOf(user);
		long createdBefore = this.emulator.requestCount(AcsOperation.CREATE_IDENTITY);
		// A 404 that is not ACS's IdentityNotFound: a proxy's, or a wrong endpoint path.
		this.emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(404));

		assertProblem(this.client.post("/token", user, VOIP), 502, "acs_rejected");
		assertThat(this.emulator.requestCount(AcsOperation.CREATE_IDENTITY)).as("no replacement made")
			.isEqualTo(createdBefore);
		assertThat(identityOf(user)).isEqualTo(identity);
		assertThat(this.emulator.identityExists(identity)).isTrue();
	}

	@Test
	void createWhenAnswerLostThenRetriedAsOneIdentity() {
		String user = this.users.standard();
		int before = this.emulator.liveIdentityCount();
		this.emulator.faults().injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.dropAfterProcessing());

		HttpResponse<String> response = this.client.post("/token", user, null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(before + 1);
		String identity = ServiceClient.json(response).path("user").path("communicationUserId").asString();
		assertThat(this.emulator.identityExists(identity)).isTrue();
		assertThat(identityOf(user)).isEqualTo(identity);
	}

	@Test
	void eraseWhenAcsFailsThenForgottenHereAndDeletedAtAcsWhenRetried() {
		String user = userWithIdentity();
		String identity = identityOf(user);
		this.emulator.faults().injectShare(1.0, AcsOperation.DELETE, Fault.status(503));

		HttpResponse<String> erase = this.client.send(this.client.request("/identity", user).DELETE().build());

		assertProblem(erase, 503, "acs_unavailable");
		assertThat(this.client.get("/identity", user).statusCode()).as("never handed out again").isEqualTo(404);
		assertThat(this.emulator.identityExists(identity)).as("not yet deleted at ACS").isTrue();

		this.emulator.faults().clear();
		HttpResponse<String> retried = this.client.send(this.client.request("/identity", user).DELETE().build());

		assertThat(retried.statusCode()).isEqualTo(204);
		assertThat(this.emulator.identityExists(identity)).as("deleted by the retry").isFalse();
		JsonNode fresh = ServiceClient.json(this.client.post("/token", user, null));
		assertThat(fresh.path("user").path("communicationUserId").asString()).isNotEqualTo(identity);
	}

	/** A new user whose identity exists: the first token created it. */
	private String userWithIdentity() {
		String user = this.users.standard();
		assertThat(this.client.post("/token", user, null).statusCode()).isEqualTo(200);
		return user;
	}

	private String identityOf(String user) {
		return ServiceClient.json(this.client.get("/identity", user)).path("communicationUserId").asString();
	}

}
