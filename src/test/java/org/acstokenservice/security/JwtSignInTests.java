package org.acstokenservice.security;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.acstokenservice.testsupport.TestUsers;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT sign-in against a local issuer (against the emulator, as staging would): good
 * tokens work; every kind of bad token is refused with the same 401 problem.
 */
@JwtServiceTest
class JwtSignInTests {

	private final TestJwtIssuer issuer = TestJwtIssuer.shared();

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Test
	void issueTokenWhenValidJwtThenTokenForSubject() {
		String user = this.users.basic();
		HttpResponse<String> first = post(this.issuer.token(user));
		HttpResponse<String> again = post(this.issuer.token(user));

		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		assertThat(communicationUserId(again)).isEqualTo(communicationUserId(first));
		assertThat(communicationUserId(post(this.users.token(this.users.basic()))))
			.isNotEqualTo(communicationUserId(first));
	}

	@Test
	void issueTokenWhenTierClaimThenTierScopes() {
		HttpResponse<String> standard = post(
				this.issuer.token(this.users.basic(), (claims) -> claims.claim("tier", "standard")));
		HttpResponse<String> basic = post(this.issuer.token(this.users.basic()));

		assertThat(ServiceClient.json(standard).path("scopes").toString()).isEqualTo("[\"chat\",\"voip\"]");
		assertThat(ServiceClient.json(basic).path("scopes").toString()).isEqualTo("[\"chat\"]");
	}

	@Test
	void issueTokenWhenExpiredThenUnauthorized() {
		assertUnauthorized(post(this.issuer.token(this.users.basic(),
				(claims) -> claims.issueTime(Date.from(Instant.now().minusSeconds(1200)))
					.expirationTime(Date.from(Instant.now().minusSeconds(300))))));
	}

	@Test
	void issueTokenWhenNotYetValidThenUnauthorized() {
		assertUnauthorized(post(this.issuer.token(this.users.basic(),
				(claims) -> claims.notBeforeTime(Date.from(Instant.now().plusSeconds(600))))));
	}

	@Test
	void issueTokenWhenWrongIssuerThenUnauthorized() {
		assertUnauthorized(post(this.issuer.token(this.users.basic(), (claims) -> claims.issuer("https://evil.test"))));
	}

	@Test
	void issueTokenWhenWrongAudienceThenUnauthorized() {
		assertUnauthorized(
				post(this.issuer.token(this.users.basic(), (claims) -> claims.audience(List.of("api://other")))));
	}

	@Test
	void issueTokenWhenSignedByUnknownKeyThenUnauthorized() {
		assertUnauthorized(post(this.issuer.tokenSignedByOtherKey(this.users.basic())));
	}

	@Test
	void issueTokenWhenAlgNoneThenUnauthorized() {
		assertUnauthorized(post(this.issuer.unsignedToken(this.users.basic())));
	}

	@Test
	void issueTokenWhenHs256SignedWithPublicKeyThenUnauthorized() {
		assertUnauthorized(post(this.issuer.tokenHmacSignedWithPublicKey(this.users.basic())));
	}

	@Test
	void issueTokenWhenNoSubjectThenUnauthorized() {
		assertUnauthorized(post(this.issuer.token(null)));
	}

	@Test
	void issueTokenWhenUserIdLongerThanTheServiceKeepsThenUnauthorized() {
		String longest = "u".repeat(AppUserJwtConverter.MAX_USER_ID_LENGTH);

		assertUnauthorized(post(this.issuer.token(longest + "x")));
		assertThat(post(this.issuer.token(longest)).statusCode()).isEqualTo(200);
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
		HttpRequest alice = this.client.request("/token", null)
			.header("Authorization", ServiceClient.basic("alice", "alice"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();

		assertUnauthorized(this.client.send(alice));
	}

	@Test
	void openApiWhenIssuerConfiguredThenNeedsSignIn() {
		assertUnauthorized(this.client.get("/v3/api-docs", null));
	}

	private HttpResponse<String> post(String jwt) {
		return this.client.postWithToken("/token", jwt, null);
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
