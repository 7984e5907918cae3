package org.acstokenservice.security;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.TestJwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT sign-in against a local issuer (against the emulator, as staging would): good
 * tokens work; every kind of bad token is refused with the same 401 problem.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JwtSignInTests {

	static final TestJwtIssuer issuer = new TestJwtIssuer();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
		issuer.register(registry);
		// Every test here fails sign-ins on purpose, from the same address.
		registry.add("sign-in.failed-attempts.capacity", () -> "1000");
	}

	@AfterAll
	static void stopIssuer() {
		issuer.close();
	}

	@LocalServerPort
	int port;

	ServiceClient client;

	@BeforeEach
	void setUp() {
		this.client = new ServiceClient(this.port);
	}

	@Test
	void issueTokenWhenValidJwtThenTokenForSubject() {
		HttpResponse<String> first = post(issuer.token("user-1"));
		HttpResponse<String> again = post(issuer.token("user-1"));

		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		assertThat(communicationUserId(again)).isEqualTo(communicationUserId(first));
		assertThat(communicationUserId(post(issuer.token("user-2")))).isNotEqualTo(communicationUserId(first));
	}

	@Test
	void issueTokenWhenTierClaimThenTierScopes() {
		HttpResponse<String> standard = post(issuer.token("user-3", (claims) -> claims.claim("tier", "standard")));
		HttpResponse<String> basic = post(issuer.token("user-4"));

		assertThat(ServiceClient.json(standard).path("scopes").toString()).isEqualTo("[\"chat\",\"voip\"]");
		assertThat(ServiceClient.json(basic).path("scopes").toString()).isEqualTo("[\"chat\"]");
	}

	@Test
	void issueTokenWhenExpiredThenUnauthorized() {
		assertUnauthorized(
				post(issuer.token("user-1", (claims) -> claims.issueTime(Date.from(Instant.now().minusSeconds(1200)))
					.expirationTime(Date.from(Instant.now().minusSeconds(300))))));
	}

	@Test
	void issueTokenWhenNotYetValidThenUnauthorized() {
		assertUnauthorized(post(
				issuer.token("user-1", (claims) -> claims.notBeforeTime(Date.from(Instant.now().plusSeconds(600))))));
	}

	@Test
	void issueTokenWhenWrongIssuerThenUnauthorized() {
		assertUnauthorized(post(issuer.token("user-1", (claims) -> claims.issuer("https://evil.test"))));
	}

	@Test
	void issueTokenWhenWrongAudienceThenUnauthorized() {
		assertUnauthorized(post(issuer.token("user-1", (claims) -> claims.audience(List.of("api://other")))));
	}

	@Test
	void issueTokenWhenSignedByUnknownKeyThenUnauthorized() {
		assertUnauthorized(post(issuer.tokenSignedByOtherKey("user-1")));
	}

	@Test
	void issueTokenWhenAlgNoneThenUnauthorized() {
		assertUnauthorized(post(issuer.unsignedToken("user-1")));
	}

	@Test
	void issueTokenWhenHs256SignedWithPublicKeyThenUnauthorized() {
		assertUnauthorized(post(issuer.tokenHmacSignedWithPublicKey("user-1")));
	}

	@Test
	void issueTokenWhenNoSubjectThenUnauthorized() {
		assertUnauthorized(post(issuer.token(null)));
	}

	@Test
	void issueTokenWhenGarbageOrNoTokenThenUnauthorizedWithBearerChallenge() {
		assertUnauthorized(post("not-a-jwt"));
		HttpResponse<String> none = this.client.post("/token", null, null);
		assertUnauthorized(none);
		assertThat(none.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((challenge) -> assertThat(challenge).startsWith("Bearer"));
	}

	@Test
	void issueTokenWhenDemoUserWithIssuerConfiguredThenUnauthorized() {
		assertUnauthorized(this.client.post("/token", "alice", null));
	}

	@Test
	void openApiWhenIssuerConfiguredThenNeedsSignIn() {
		assertUnauthorized(this.client.get("/v3/api-docs", null));
	}

	private HttpResponse<String> post(String jwt) {
		HttpRequest request = this.client.request("/token", null)
			.header("Authorization", "Bearer " + jwt)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return this.client.send(request);
	}

	private static String communicationUserId(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return ServiceClient.json(response).path("user").path("communicationUserId").asString();
	}

	private static void assertUnauthorized(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("code").asString()).isEqualTo("unauthorized");
		assertThat(body.path("detail").asString()).isEqualTo("A valid sign-in is required.");
		assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
	}

}
