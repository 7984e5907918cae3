package org.acstokenservice.token;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestUsers;
import org.acstokenservice.emulator.AcsEmulator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code POST /token} and {@code GET /identity} over real HTTP, in local mode: the real
 * SDK talks HTTPS to the embedded emulator. Request validation is in
 * {@link TokenControllerTests}.
 */
@JwtServiceTest
class TokenEndpointTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Autowired
	AcsEmulator emulator;

	@Test
	void issueTokenWhenNoBodyThenTierDefaultsAndValidEmulatorToken() {
		HttpResponse<String> response = this.client.post("/token", this.users.standard(), null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(response.headers().allValues("Cache-Control"))
			.anySatisfy((value) -> assertThat(value).contains("no-store"));
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("scopes").toString()).isEqualTo("[\"chat\",\"voip\"]");
		assertThat(body.path("user").path("communicationUserId").asString())
			.startsWith("8:acs:" + this.emulator.resourceId() + "_");
		assertThat(Instant.parse(body.path("expiresOn").asString()))
			.isCloseTo(Instant.now().plus(Duration.ofMinutes(60)), within(Duration.ofMinutes(2)));
		assertThat(this.emulator.isTokenValid(body.path("token").asString())).isTrue();
	}

	@Test
	void issueTokenWhenCalledAgainThenSameIdentityAndOtherUserGetsAnother() {
		String alice = this.users.standard();
		String first = communicationUserId(this.client.post("/token", alice, null));
		String second = communicationUserId(this.client.post("/token", alice, "{\"scopes\":[\"voip\"]}"));
		String bob = communicationUserId(this.client.post("/token", this.users.basic(), null));

		assertThat(second).isEqualTo(first);
		assertThat(bob).isNotEqualTo(first);
	}

	@Test
	void issueTokenWhenScopesAndLifetimeGivenThenGranted() {
		HttpResponse<String> response = this.client.post("/token", this.users.standard(),
				"{\"scopes\":[\"voip.join\",\"chat.join.limited\"],\"expiresInMinutes\":120}");

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("scopes").toString()).isEqualTo("[\"chat.join.limited\",\"voip.join\"]");
		assertThat(Instant.parse(body.path("expiresOn").asString()))
			.isCloseTo(Instant.now().plus(Duration.ofMinutes(120)), within(Duration.ofMinutes(2)));
	}

	@Test
	void issueTokenWhenScopeNotInTierThenForbiddenAndNothingCreated() {
		String bob = this.users.basic();
		int identities = this.emulator.liveIdentityCount();

		HttpResponse<String> response = this.client.post("/token", bob, "{\"scopes\":[\"chat\",\"voip\"]}");

		assertProblem(response, 403, "scope_not_allowed");
		assertThat(ServiceClient.json(response).path("detail").asString()).contains("voip");
		assertProblem(this.client.get("/identity", bob), 404, "not_found");
		assertThat(this.emulator.liveIdentityCount()).isEqualTo(identities);
	}

	@Test
	void identityWhenNoTokenYetThenNotFoundAndAfterwardsTheIssuedIdentity() {
		String user = this.users.admin();
		assertProblem(this.client.get("/identity", user), 404, "not_found");

		String issued = communicationUserId(this.client.post("/token", user, null));
		HttpResponse<String> response = this.client.get("/identity", user);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(response).path("communicationUserId").asString()).isEqualTo(issued);
	}

	static String communicationUserId(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return ServiceClient.json(response).path("user").path("communicationUserId").asString();
	}

}
