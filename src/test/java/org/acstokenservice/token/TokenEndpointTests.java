package org.acstokenservice.token;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.emulator.AcsEmulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code POST /token} and {@code GET /identity} over real HTTP, in local mode: the real
 * SDK talks HTTPS to the embedded emulator.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenEndpointTests {

	@DynamicPropertySource
	static void localMode(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	AcsEmulator emulator;

	ServiceClient client;

	@BeforeEach
	void setUp() {
		this.client = new ServiceClient(this.port);
	}

	@Test
	void issueTokenWhenNoBodyThenTierDefaultsAndValidEmulatorToken() {
		HttpResponse<String> response = this.client.post("/token", "alice", null);

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
		String first = communicationUserId(this.client.post("/token", "alice", null));
		String second = communicationUserId(this.client.post("/token", "alice", "{\"scopes\":[\"voip\"]}"));
		String bob = communicationUserId(this.client.post("/token", "bob", null));

		assertThat(second).isEqualTo(first);
		assertThat(bob).isNotEqualTo(first);
	}

	@Test
	void issueTokenWhenScopesAndLifetimeGivenThenGranted() {
		HttpResponse<String> response = this.client.post("/token", "alice",
				"{\"scopes\":[\"voip.join\",\"chat.join.limited\"],\"expiresInMinutes\":120}");

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("scopes").toString()).isEqualTo("[\"chat.join.limited\",\"voip.join\"]");
		assertThat(Instant.parse(body.path("expiresOn").asString()))
			.isCloseTo(Instant.now().plus(Duration.ofMinutes(120)), within(Duration.ofMinutes(2)));
	}

	@Test
	void issueTokenWhenUnknownScopeThenInvalidScopeNamingValidOnes() {
		HttpResponse<String> response = this.client.post("/token", "alice", "{\"scopes\":[\"chat\",\"video\"]}");

		assertProblem(response, 400, "invalid_scope");
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("detail").asString()).contains("video").contains("chat.join.limited");
		assertThat(body.path("validScopes").size()).isEqualTo(5);
	}

	@Test
	void issueTokenWhenEmptyScopeListThenInvalidScope() {
		assertProblem(this.client.post("/token", "alice", "{\"scopes\":[]}"), 400, "invalid_scope");
	}

	@Test
	void issueTokenWhenLifetimeOutOfRangeThenInvalidExpiry() {
		assertProblem(this.client.post("/token", "alice", "{\"expiresInMinutes\":59}"), 400, "invalid_expiry");
		assertProblem(this.client.post("/token", "alice", "{\"expiresInMinutes\":1441}"), 400, "invalid_expiry");
	}

	@Test
	void issueTokenWhenScopeNotInTierThenForbiddenAndNothingCreated() {
		HttpResponse<String> response = this.client.post("/token", "bob", "{\"scopes\":[\"chat\",\"voip\"]}");

		assertProblem(response, 403, "scope_not_allowed");
		assertThat(ServiceClient.json(response).path("detail").asString()).contains("voip");
	}

	@Test
	void issueTokenWhenMalformedJsonThenInvalidRequest() {
		assertProblem(this.client.post("/token", "alice", "{\"scopes\":"), 400, "invalid_request");
		assertProblem(this.client.post("/token", "alice", "{\"scopes\":\"chat\",\"extra\":1}"), 400, "invalid_request");
		assertProblem(this.client.post("/token", "alice", "{\"expiresInMinutes\":\"soon\"}"), 400, "invalid_request");
	}

	@Test
	void issueTokenWhenWrongContentTypeOrMethodThenProblem() {
		HttpRequest text = this.client.request("/token", "alice")
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString("chat"))
			.build();
		assertProblem(this.client.send(text), 415, "unsupported_media_type");
		assertProblem(this.client.get("/token", "alice"), 405, "method_not_allowed");
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
	void identityWhenNoTokenYetThenNotFoundAndAfterwardsTheIssuedIdentity() {
		assertProblem(this.client.get("/identity", "admin"), 404, "not_found");

		String issued = communicationUserId(this.client.post("/token", "admin", null));
		HttpResponse<String> response = this.client.get("/identity", "admin");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(response).path("communicationUserId").asString()).isEqualTo(issued);
	}

	@Test
	void unknownPathWhenSignedInThenNotFoundProblem() {
		assertProblem(this.client.get("/nothing-here", "alice"), 404, "not_found");
	}

	@Test
	void pathWithEncodedSlashThenBadRequestProblem() {
		assertProblem(this.client.get("/users/a%2Fb/identity", "alice"), 400, "invalid_request");
	}

	@Test
	void healthWhenNoCredentialsThenUp() {
		HttpResponse<String> response = this.client.get("/actuator/health", null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(response).path("status").asString()).isEqualTo("UP");
		assertThat(this.client.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(this.client.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
	}

	@Test
	void actuatorWhenNoCredentialsThenUnauthorized() {
		assertProblem(this.client.get("/actuator/prometheus", null), 401, "unauthorized");
		assertProblem(this.client.get("/actuator/info", null), 401, "unauthorized");
	}

	@Test
	void openApiWhenLocalModeThenPublicAndDescribesTheContract() {
		HttpResponse<String> response = this.client.get("/v3/api-docs", null);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode paths = ServiceClient.json(response).path("paths");
		assertThat(paths.has("/token")).isTrue();
		assertThat(paths.has("/identities/{communicationUserId}")).isTrue();
		assertThat(response.body()).doesNotContain("AppUser");
	}

	static String communicationUserId(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return ServiceClient.json(response).path("user").path("communicationUserId").asString();
	}

	static void assertProblem(HttpResponse<String> response, int status, String code) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("code").asString()).isEqualTo(code);
		assertThat(body.path("status").asInt()).isEqualTo(status);
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
	}

}
