package org.acstokenservice.token;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.ServiceTestConfiguration;
import org.acstokenservice.testsupport.TestUsers;
import org.acstokenservice.audit.AuditEvent;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.emulator.AcsEmulator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /token/teams}: a Teams user's Entra ID token for the configured client is
 * exchanged for an ACS token; any other is refused.
 */
@JwtServiceTest
class TeamsExchangeTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Autowired
	AcsEmulator emulator;

	@Autowired
	AuditTrail audit;

	@Test
	void teamsExchangeWhenTokenForConfiguredClientThenAcsTokenAndTeamsUserAudited() throws JOSEException {
		String alice = this.users.standard();
		String teamsUser = UUID.randomUUID().toString();
		Instant expires = Instant.now().plusSeconds(3600);
		String teamsToken = teamsToken(ServiceTestConfiguration.TEAMS_CLIENT_ID, teamsUser, expires);

		HttpResponse<String> response = teams(alice, teamsToken);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = ServiceClient.json(response);
		assertThat(this.emulator.isTokenValid(body.path("token").asString())).isTrue();
		assertThat(response.headers().allValues("Cache-Control"))
			.anySatisfy((value) -> assertThat(value).contains("no-store"));
		assertThat(this.audit.recent(alice, 1)).singleElement().satisfies((event) -> {
			assertThat(event.action()).isEqualTo(AuditEvent.Action.TEAMS_EXCHANGE);
			assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
			assertThat(event.detail()).contains("teamsUserId=" + teamsUser);
		});
	}

	@Test
	void teamsExchangeWhenTierAllowsOnlyChatThenScopeNotAllowed() throws JOSEException {
		String bob = this.users.basic();

		HttpResponse<String> response = teams(bob, teamsToken(ServiceTestConfiguration.TEAMS_CLIENT_ID));

		JsonNode body = assertProblem(response, 403, "scope_not_allowed");
		assertThat(body.path("scopes").toString()).contains("voip");
	}

	@Test
	void teamsExchangeWhenApplicationRuleDeniesThenNotEligible() throws JOSEException {
		String unpaid = this.users.standard(ServiceTestConfiguration.UNPAID_PREFIX);

		HttpResponse<String> response = teams(unpaid, teamsToken(ServiceTestConfiguration.TEAMS_CLIENT_ID));

		JsonNode body = assertProblem(response, 403, "not_eligible");
		assertThat(body.path("reason").asString()).isEqualTo("subscription_required");
	}

	@Test
	void teamsExchangeWhenTokenForAnotherClientOrGarbageThenInvalidRequest() throws JOSEException {
		HttpResponse<String> otherClient = teams(teamsToken("another-app"));
		HttpResponse<String> garbage = teams("not-a-jwt");

		assertThat(otherClient.statusCode()).isEqualTo(400);
		assertThat(ServiceClient.json(otherClient).path("code").asString()).isEqualTo("invalid_request");
		assertThat(garbage.statusCode()).isEqualTo(400);
	}

	@Test
	void teamsExchangeWhenTeamsTokenEncryptedThenInvalidRequest() throws JOSEException {
		RSAKey key = new RSAKeyGenerator(2048).generate();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("appid", ServiceTestConfiguration.TEAMS_CLIENT_ID)
			.claim("oid", UUID.randomUUID().toString())
			.expirationTime(Date.from(Instant.now().plusSeconds(3600)))
			.build();
		EncryptedJWT encrypted = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
				claims);
		encrypted.encrypt(new RSAEncrypter(key));

		HttpResponse<String> response = teams(encrypted.serialize());

		assertProblem(response, 400, "invalid_request");
	}

	@Test
	void teamsExchangeWhenTeamsTokenExpiredThenInvalidRequest() throws JOSEException {
		HttpResponse<String> response = teams(
				teamsToken(ServiceTestConfiguration.TEAMS_CLIENT_ID, Instant.now().minusSeconds(60)));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(ServiceClient.json(response).path("code").asString()).isEqualTo("invalid_request");
	}

	private HttpResponse<String> teams(String teamsToken) {
		return teams(this.users.standard(), teamsToken);
	}

	private HttpResponse<String> teams(String user, String teamsToken) {
		return this.client.post("/token/teams", user, "{\"token\":\"" + teamsToken + "\"}");
	}

	private static String teamsToken(String appId) throws JOSEException {
		return teamsToken(appId, UUID.randomUUID().toString(), Instant.now().plusSeconds(3600));
	}

	private static String teamsToken(String appId, Instant expires) throws JOSEException {
		return teamsToken(appId, UUID.randomUUID().toString(), expires);
	}

	private static String teamsToken(String appId, String objectId, Instant expires) throws JOSEException {
		RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://sts.windows.net/tenant/")
			.audience("https://auth.msft.communication.azure.com")
			.claim("appid", appId)
			.claim("oid", objectId)
			.issueTime(Date.from(expires.minusSeconds(7200)))
			.expirationTime(Date.from(expires))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

}
