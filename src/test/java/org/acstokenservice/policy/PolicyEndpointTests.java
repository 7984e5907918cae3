package org.acstokenservice.policy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.TestJwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each policy outcome through the HTTP API, for JWT users: deny list, an application's
 * rule, the per-user rate limit, CORS and the body size limit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PolicyEndpointTests {

	static final TestJwtIssuer issuer = new TestJwtIssuer();

	static final String ALLOWED_ORIGIN = "https://app.example.com";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
		issuer.register(registry);
		registry.add("policy.denied-users[0]", () -> "mallory");
		registry.add("policy.rate-limit.capacity", () -> "3");
		registry.add("sign-in.cors-allowed-origins[0]", () -> ALLOWED_ORIGIN);
		registry.add("policy.tiers.basic.max-lifetime", () -> "2h");
		registry.add("policy.lookup.roles[0]", () -> "AGENT");
	}

	@AfterAll
	static void stopIssuer() {
		issuer.close();
	}

	@TestConfiguration
	static class PaidSubscriptionRule {

		@Bean
		EligibilityRule paidSubscriptionRule() {
			return (request) -> request.user().id().startsWith("unpaid-")
					? EligibilityDecision.deny("subscription_required") : EligibilityDecision.allow();
		}

	}

	@LocalServerPort
	int port;

	ServiceClient client;

	@BeforeEach
	void setUp() {
		this.client = new ServiceClient(this.port);
	}

	@Test
	void issueTokenWhenUserDeniedThenNotEligibleWithReason() {
		HttpResponse<String> response = post("mallory", null);

		assertProblem(response, 403, "not_eligible");
		assertThat(ServiceClient.json(response).path("reason").asString()).isEqualTo("denied_user");
	}

	@Test
	void issueTokenWhenApplicationRuleDeniesThenNotEligibleWithItsReason() {
		HttpResponse<String> response = post("unpaid-1", null);

		assertProblem(response, 403, "not_eligible");
		assertThat(ServiceClient.json(response).path("reason").asString()).isEqualTo("subscription_required");
		assertThat(post("paid-1", null).statusCode()).isEqualTo(200);
	}

	@Test
	void issueTokenWhenUserOverRateLimitThenRateLimitedWithRetryAfter() {
		for (int i = 0; i < 3; i++) {
			assertThat(post("busy-user", null).statusCode()).isEqualTo(200);
		}

		HttpResponse<String> limited = post("busy-user", null);

		assertProblem(limited, 429, "rate_limited");
		assertThat(limited.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		assertThat(post("calm-user", null).statusCode()).isEqualTo(200);
	}

	@Test
	void issueTokenWhenLifetimeAboveTierMaximumThenInvalidExpiryNamingIt() {
		HttpResponse<String> response = post("basic-user", "{\"expiresInMinutes\":180}");

		assertProblem(response, 400, "invalid_expiry");
		assertThat(ServiceClient.json(response).path("maxExpiresInMinutes").asInt()).isEqualTo(120);
		assertThat(post("basic-user", "{\"expiresInMinutes\":120}").statusCode()).isEqualTo(200);
	}

	@Test
	void lookupWhenPolicyWantsARoleThenOnlyUsersWithIt() {
		assertThat(post("callee", null).statusCode()).isEqualTo(200);
		String agent = issuer.token("agent-1", (claims) -> claims.claim("roles", java.util.List.of("AGENT")));
		String plain = issuer.token("plain-1");

		HttpResponse<String> allowed = get("/users/callee/identity", agent);
		HttpResponse<String> refused = get("/users/callee/identity", plain);

		assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
		assertProblem(refused, 403, "forbidden");
	}

	@Test
	void preflightWhenOriginAllowedThenCorsHeadersWithoutWildcard() {
		HttpResponse<String> response = preflight(ALLOWED_ORIGIN);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
		assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
			.hasValueSatisfying((methods) -> assertThat(methods).contains("POST"));
		assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
			.hasValueSatisfying((headers) -> assertThat(headers.toLowerCase()).contains("authorization"));
		assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
	}

	@Test
	void preflightWhenOriginNotAllowedThenForbiddenProblemWithoutCorsHeaders() {
		HttpResponse<String> response = preflight("https://evil.example.com");

		assertProblem(response, 403, "forbidden");
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	@Test
	void issueTokenWhenCrossOriginFromAllowedOriginThenAllowOriginHeader() {
		HttpRequest request = this.client.request("/token", null)
			.header("Authorization", "Bearer " + issuer.token("cors-user"))
			.header("Origin", ALLOWED_ORIGIN)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();

		HttpResponse<String> response = this.client.send(request);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
	}

	@Test
	void issueTokenWhenBodyTooLargeThenPayloadTooLarge() {
		String padding = "x".repeat(5000);
		assertProblem(post("big-user", "{\"scopes\":[\"chat\"],\"pad\":\"" + padding + "\"}"), 413,
				"payload_too_large");
	}

	@Test
	void issueTokenWhenChunkedBodyTooLargeThenPayloadTooLarge() {
		byte[] body = ("{\"scopes\":[\"chat\"],\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes();
		HttpRequest request = this.client.request("/token", null)
			.header("Authorization", "Bearer " + issuer.token("chunk-user"))
			.header("Content-Type", "application/json")
			// A publisher of unknown length makes the client send the body chunked.
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
			.build();

		assertProblem(this.client.send(request), 413, "payload_too_large");
	}

	private HttpResponse<String> get(String path, String jwt) {
		return this.client.send(this.client.request(path, null).header("Authorization", "Bearer " + jwt).GET().build());
	}

	private HttpResponse<String> preflight(String origin) {
		HttpRequest request = this.client.request("/token", null)
			.header("Origin", origin)
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "authorization,content-type")
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.build();
		return this.client.send(request);
	}

	private HttpResponse<String> post(String user, String body) {
		HttpRequest.Builder request = this.client.request("/token", null)
			.header("Authorization", "Bearer " + issuer.token(user));
		if (body != null) {
			request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.POST(HttpRequest.BodyPublishers.noBody());
		}
		return this.client.send(request.build());
	}

	static void assertProblem(HttpResponse<String> response, int status, String code) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("code").asString()).isEqualTo(code);
	}

}
