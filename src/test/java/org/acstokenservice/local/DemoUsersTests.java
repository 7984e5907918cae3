package org.acstokenservice.local;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo users of local mode sign in over HTTP Basic with password = user name:
 * {@code alice} of tier standard, {@code bob} of tier basic, {@code admin} with role
 * ADMIN, {@code carol} of tier standard in the second ACS resource, {@code eu}. The rest
 * of the end-to-end tests sign in as JWT users, each of its own.
 */
@ServiceTest
class DemoUsersTests {

	@Autowired
	ServiceClient client;

	@Test
	void issueTokenWhenAliceThenStandardTierDefaults() {
		HttpResponse<String> response = this.client.post("/token", "alice", null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(ServiceClient.json(response).path("scopes").toString()).isEqualTo("[\"chat\",\"voip\"]");
	}

	@Test
	void issueTokenWhenCarolThenIdentityInTheSecondResource() {
		JsonNode carol = ServiceClient.json(this.client.post("/token", "carol", null));
		JsonNode alice = ServiceClient.json(this.client.post("/token", "alice", null));

		String carolsIdentity = carol.path("user").path("communicationUserId").asString();
		String alicesIdentity = alice.path("user").path("communicationUserId").asString();
		// 8:acs:<resource id>_<guid>: each emulator is a resource of its own.
		assertThat(resourceOf(carolsIdentity)).isNotEqualTo(resourceOf(alicesIdentity));
		assertThat(ServiceClient.json(this.client.get("/identity", "carol")).path("resource").asString())
			.isEqualTo("eu");
		assertThat(ServiceClient.json(this.client.get("/identity", "alice")).path("resource").asString())
			.isEqualTo("default");
		JsonNode health = ServiceClient.json(this.client.get("/actuator/health", "admin"));
		assertThat(health.path("components").path("acs").path("details").path("resources").has("eu")).isTrue();
	}

	private static String resourceOf(String communicationUserId) {
		return communicationUserId.substring(0, communicationUserId.indexOf('_'));
	}

	@Test
	void issueTokenWhenBobAsksForVoipThenScopeNotAllowed() {
		assertThat(ServiceClient.json(this.client.post("/token", "bob", null)).path("scopes").toString())
			.isEqualTo("[\"chat\"]");

		assertProblem(this.client.post("/token", "bob", "{\"scopes\":[\"voip\"]}"), 403, "scope_not_allowed");
	}

	@Test
	void actuatorWhenAdminThenDetailsAndWhenAliceThenForbidden() {
		JsonNode health = ServiceClient.json(this.client.get("/actuator/health", "admin"));

		assertThat(health.path("components").path("db").path("status").asString()).isEqualTo("UP");
		assertThat(this.client.get("/actuator/info", "admin").statusCode()).isEqualTo(200);
		assertProblem(this.client.get("/actuator/info", "alice"), 403, "forbidden");
	}

	@Test
	void issueTokenWhenNoCredentialsThenUnauthorizedProblemWithChallenge() {
		HttpResponse<String> response = this.client.post("/token", null, null);

		assertProblem(response, 401, "unauthorized");
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((challenge) -> assertThat(challenge).startsWith("Basic realm="));
	}

	@Test
	void issueTokenWhenWrongPasswordThenUnauthorizedProblem() {
		HttpRequest request = this.client.request("/token", null)
			.header("Authorization", ServiceClient.basic("alice", "bob"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();

		assertProblem(this.client.send(request), 401, "unauthorized");
	}

	@Test
	void issueTokenWhenBearerTokenInsteadOfDemoUserThenUnauthorized() {
		assertProblem(this.client.postWithToken("/token", "not-a-jwt", null), 401, "unauthorized");
	}

}
