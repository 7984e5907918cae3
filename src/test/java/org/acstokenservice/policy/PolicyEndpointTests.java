package org.acstokenservice.policy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.ServiceTestConfiguration;
import org.acstokenservice.testsupport.TestUsers;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each policy outcome through the HTTP API, for JWT users: deny list, an application's
 * rule, the tier's maximum lifetime, CORS and a chunked body over the size limit, as the
 * shared test configuration sets them ({@link ServiceTestConfiguration}). The rate limit
 * and look-ups for one role only are in {@link RestrictivePolicyTests}.
 */
@JwtServiceTest
class PolicyEndpointTests {

	static final String ALLOWED_ORIGIN = ServiceTestConfiguration.ALLOWED_ORIGIN;

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Test
	void issueTokenWhenUserDeniedThenNotEligibleWithReason() {
		HttpResponse<String> response = post(this.users.named(ServiceTestConfiguration.DENIED_USER), null);

		assertProblem(response, 403, "not_eligible");
		assertThat(ServiceClient.json(response).path("reason").asString()).isEqualTo("denied_user");
	}

	@Test
	void issueTokenWhenApplicationRuleDeniesThenNotEligibleWithItsReason() {
		HttpResponse<String> response = post(
				this.users.named(ServiceTestConfiguration.UNPAID_PREFIX + UUID.randomUUID()), null);

		assertProblem(response, 403, "not_eligible");
		assertThat(ServiceClient.json(response).path("reason").asString()).isEqualTo("subscription_required");
		assertThat(post(this.users.basic(), null).statusCode()).isEqualTo(200);
	}

	@Test
	void issueTokenWhenLifetimeAboveTierMaximumThenInvalidExpiryNamingIt() {
		String user = this.users.basic();
		HttpResponse<String> response = post(user, "{\"expiresInMinutes\":180}");

		assertProblem(response, 400, "invalid_expiry");
		assertThat(ServiceClient.json(response).path("maxExpiresInMinutes").asInt()).isEqualTo(120);
		assertThat(post(user, "{\"expiresInMinutes\":120}").statusCode()).isEqualTo(200);
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
			.header("Authorization", this.users.authorization(this.users.basic()))
			.header("Origin", ALLOWED_ORIGIN)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();

		HttpResponse<String> response = this.client.send(request);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
	}

	@Test
	void issueTokenWhenChunkedBodyTooLargeThenPayloadTooLarge() {
		byte[] body = ("{\"scopes\":[\"chat\"],\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes();
		HttpRequest request = this.client.request("/token", null)
			.header("Authorization", this.users.authorization(this.users.basic()))
			.header("Content-Type", "application/json")
			// A publisher of unknown length makes the client send the body chunked.
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
			.build();

		assertProblem(this.client.send(request), 413, "payload_too_large");
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
		return this.client.post("/token", user, body);
	}

	static void assertProblem(HttpResponse<String> response, int status, String code) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("code").asString()).isEqualTo(code);
	}

}
