package org.acstokenservice.identity;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.MutableClock;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.acs.AcsGateway;
import org.acstokenservice.emulator.AcsEmulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.convention.TestBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation, erasure, look-ups, the admin's endpoints, the Teams exchange, stale
 * identities and token reuse, through the HTTP API against the emulator. Each test uses
 * its own demo user where it changes that user's state.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "teams.client-id=" + IdentityLifecycleTests.TEAMS_CLIENT_ID, "policy.rate-limit.capacity=1000" })
class IdentityLifecycleTests {

	static final String TEAMS_CLIENT_ID = "1b7c4d2e-0000-4000-8000-000000000001";

	@DynamicPropertySource
	static void localMode(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
	}

	@TestBean
	Clock clock;

	static Clock clock() {
		return CLOCK;
	}

	static final MutableClock CLOCK = new MutableClock();

	@LocalServerPort
	int port;

	@Autowired
	AcsEmulator emulator;

	@Autowired
	AcsGateway acs;

	@Autowired
	MeterRegistry meters;

	ServiceClient client;

	@BeforeEach
	void setUp() {
		this.client = new ServiceClient(this.port);
		CLOCK.reset();
	}

	@Test
	void issueTokenWhenAskedTwiceForSameScopesThenSameTokenReused() {
		double hits = reuse("hit");
		JsonNode first = token("alice", "{\"scopes\":[\"chat\"]}");
		JsonNode second = token("alice", "{\"scopes\":[\"chat\"]}");
		JsonNode other = token("alice", "{\"scopes\":[\"voip\"]}");

		assertThat(second.path("token").asString()).isEqualTo(first.path("token").asString());
		assertThat(other.path("token").asString()).isNotEqualTo(first.path("token").asString());
		assertThat(reuse("hit")).isEqualTo(hits + 1);
	}

	@Test
	void issueTokenWhenCachedTokenHasLessThanHalfItsLifeLeftThenNewToken() {
		JsonNode first = token("bob", "{\"expiresInMinutes\":60}");
		JsonNode again = token("bob", "{\"expiresInMinutes\":60}");
		CLOCK.advance(Duration.ofMinutes(35));

		JsonNode later = token("bob", "{\"expiresInMinutes\":60}");

		assertThat(again.path("token").asString()).isEqualTo(first.path("token").asString());
		assertThat(later.path("token").asString()).isNotEqualTo(first.path("token").asString());
	}

	@Test
	void issueTokenWhenShorterLifetimeAskedThanCachedTokenHasThenNewToken() {
		JsonNode longLived = token("alice", "{\"scopes\":[\"chat.join\"],\"expiresInMinutes\":600}");
		JsonNode shortLived = token("alice", "{\"scopes\":[\"chat.join\"],\"expiresInMinutes\":60}");

		assertThat(shortLived.path("token").asString()).isNotEqualTo(longLived.path("token").asString());
		assertThat(Instant.parse(shortLived.path("expiresOn").asString()))
			.isBefore(Instant.parse(longLived.path("expiresOn").asString()));
	}

	@Test
	void revokeWhenTokensIssuedThenInvalidAtAcsAndNeverReused() {
		String before = token("admin", null).path("token").asString();

		HttpResponse<String> revoked = this.client.post("/token/revoke", "admin", null);

		assertThat(revoked.statusCode()).isEqualTo(204);
		assertThat(this.emulator.isTokenValid(before)).isFalse();
		String after = token("admin", null).path("token").asString();
		assertThat(after).isNotEqualTo(before);
		assertThat(this.emulator.isTokenValid(after)).isTrue();
	}

	@Test
	void eraseWhenIdentityExistsThenGoneAtAcsAndHereAndNextTokenMakesANewOne() {
		JsonNode issued = token("bob", null);
		String identity = issued.path("user").path("communicationUserId").asString();

		HttpRequest erase = this.client.request("/identity", "bob").DELETE().build();
		assertThat(this.client.send(erase).statusCode()).isEqualTo(204);

		assertThat(this.emulator.isTokenValid(issued.path("token").asString())).isFalse();
		assertThat(this.client.get("/identity", "bob").statusCode()).isEqualTo(404);
		assertThat(this.client.send(erase).statusCode()).as("erasure is idempotent").isEqualTo(204);
		String next = token("bob", null).path("user").path("communicationUserId").asString();
		assertThat(next).isNotEqualTo(identity);
	}

	@Test
	void lookupWhenOtherUserHasIdentityThenBothDirectionsResolve() {
		String bob = token("bob", null).path("user").path("communicationUserId").asString();

		HttpResponse<String> forward = this.client.get("/users/bob/identity", "alice");
		HttpResponse<String> reverse = this.client.get("/identities/" + bob, "alice");

		assertThat(forward.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(forward).path("communicationUserId").asString()).isEqualTo(bob);
		assertThat(reverse.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(reverse).path("appUserId").asString()).isEqualTo("bob");
		assertThat(this.client.get("/users/nobody/identity", "alice").statusCode()).isEqualTo(404);
		assertThat(this.client.get("/identities/8:acs:unknown_1", "alice").statusCode()).isEqualTo(404);
	}

	@Test
	void adminEndpointsWhenNotAdminThenForbiddenProblem() {
		HttpResponse<String> response = this.client.post("/admin/users/bob/revoke", "alice", null);

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(ServiceClient.json(response).path("code").asString()).isEqualTo("forbidden");
	}

	@Test
	void adminWhenRevokingAndErasingAnotherUserThenDone() {
		JsonNode issued = token("alice", "{\"scopes\":[\"voip.join\"]}");

		assertThat(this.client.post("/admin/users/alice/revoke", "admin", null).statusCode()).isEqualTo(204);
		assertThat(this.emulator.isTokenValid(issued.path("token").asString())).isFalse();
		HttpRequest erase = this.client.request("/admin/users/alice", "admin").DELETE().build();
		assertThat(this.client.send(erase).statusCode()).isEqualTo(204);
		assertThat(this.client.get("/identity", "alice").statusCode()).isEqualTo(404);
		assertThat(this.client.send(erase).statusCode()).isEqualTo(404);
		assertThat(this.client.post("/admin/users/nobody/revoke", "admin", null).statusCode()).isEqualTo(404);
	}

	@Test
	void issueTokenWhenAcsForgotStoredIdentityThenReplacedAndTokenIssued() {
		String original = token("admin", null).path("user").path("communicationUserId").asString();
		// Revoked first, so that no token issued before can be reused and ACS is asked.
		assertThat(this.client.post("/token/revoke", "admin", null).statusCode()).isEqualTo(204);
		this.acs.deleteIdentity(original);

		JsonNode replaced = token("admin", null);

		String replacement = replaced.path("user").path("communicationUserId").asString();
		assertThat(replacement).isNotEqualTo(original);
		assertThat(this.emulator.isTokenValid(replaced.path("token").asString())).isTrue();
		assertThat(ServiceClient.json(this.client.get("/identity", "admin")).path("communicationUserId").asString())
			.isEqualTo(replacement);
	}

	@Test
	void teamsExchangeWhenTokenForConfiguredClientThenAcsToken() throws JOSEException {
		Instant expires = Instant.now().plusSeconds(3600);
		String teamsToken = teamsToken(TEAMS_CLIENT_ID, expires);

		HttpResponse<String> response = teams(teamsToken);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = ServiceClient.json(response);
		assertThat(this.emulator.isTokenValid(body.path("token").asString())).isTrue();
		assertThat(response.headers().allValues("Cache-Control"))
			.anySatisfy((value) -> assertThat(value).contains("no-store"));
	}

	@Test
	void teamsExchangeWhenTokenForAnotherClientOrGarbageThenInvalidRequest() throws JOSEException {
		HttpResponse<String> otherClient = teams(teamsToken("another-app", Instant.now().plusSeconds(3600)));
		HttpResponse<String> garbage = teams("not-a-jwt");

		assertThat(otherClient.statusCode()).isEqualTo(400);
		assertThat(ServiceClient.json(otherClient).path("code").asString()).isEqualTo("invalid_request");
		assertThat(garbage.statusCode()).isEqualTo(400);
	}

	@Test
	void teamsExchangeWhenTeamsTokenExpiredThenInvalidRequest() throws JOSEException {
		HttpResponse<String> response = teams(teamsToken(TEAMS_CLIENT_ID, Instant.now().minusSeconds(60)));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(ServiceClient.json(response).path("code").asString()).isEqualTo("invalid_request");
	}

	private HttpResponse<String> teams(String teamsToken) {
		return this.client.post("/token/teams", "alice", "{\"token\":\"" + teamsToken + "\"}");
	}

	private static String teamsToken(String appId, Instant expires) throws JOSEException {
		RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://sts.windows.net/tenant/")
			.audience("https://auth.msft.communication.azure.com")
			.claim("appid", appId)
			.claim("oid", UUID.randomUUID().toString())
			.issueTime(Date.from(expires.minusSeconds(7200)))
			.expirationTime(Date.from(expires))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

	private JsonNode token(String user, String body) {
		HttpResponse<String> response = this.client.post("/token", user, body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return ServiceClient.json(response);
	}

	private double reuse(String result) {
		return this.meters.get("acs.token.reuse").tag("result", result).counter().count();
	}

}
