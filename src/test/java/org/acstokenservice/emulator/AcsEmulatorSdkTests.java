package org.acstokenservice.emulator;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.communication.identity.models.CommunicationUserIdentifierAndToken;
import com.azure.communication.identity.models.GetTokenForTeamsUserOptions;
import com.azure.core.credential.AccessToken;
import com.azure.core.exception.HttpResponseException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The emulator through the real Java SDK over HTTPS, trusting only the emulator's
 * certificate.
 */
@IntegrationTest
class AcsEmulatorSdkTests {

	private static AcsEmulator emulator;

	private static CommunicationIdentityClient client;

	@BeforeAll
	static void start() {
		emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory());
		client = TestClients.sdk(emulator);
	}

	@AfterAll
	static void stop() {
		emulator.close();
	}

	@Test
	void createUserWhenCalledThenIdentityOfThisResource() {
		CommunicationUserIdentifier user = client.createUser();
		assertThat(user.getId()).startsWith("8:acs:" + emulator.resourceId() + "_");
		assertThat(client.createUser().getId()).isNotEqualTo(user.getId());
	}

	@Test
	void createUserAndTokenWhenScopesAndDurationThenExpiresOnAsAsked() throws Exception {
		Instant before = Instant.now().minusSeconds(1);
		CommunicationUserIdentifierAndToken result = client.createUserAndToken(
				List.of(CommunicationTokenScope.CHAT, CommunicationTokenScope.VOIP), Duration.ofMinutes(90));
		AccessToken token = result.getUserToken();
		assertThat(token.getExpiresAt().toInstant()).isBetween(before.plus(Duration.ofMinutes(90)),
				Instant.now().plus(Duration.ofMinutes(90)));
		JWTClaimsSet claims = SignedJWT.parse(token.getToken()).getJWTClaimsSet();
		assertThat(claims.getExpirationTime().toInstant()).isEqualTo(token.getExpiresAt().toInstant());
		assertThat(claims.getStringClaim("skypeid")).isEqualTo(result.getUser().getId().substring(2));
		assertThat(claims.getStringClaim("acsScope")).isEqualTo("chat,voip");
		assertThat(claims.getStringClaim("resourceId")).isEqualTo(emulator.resourceId());
		assertThat(claims.getIntegerClaim("scp")).isEqualTo(1792);
		assertThat(claims.getStringClaim("csi")).isEqualTo(Long.toString(claims.getIssueTime().getTime() / 1000));
		assertThat(emulator.isTokenValid(token.getToken())).isTrue();
	}

	@Test
	void createUserAndTokenWhenNoDurationThenOneDay() {
		AccessToken token = client.createUserAndToken(List.of(CommunicationTokenScope.CHAT)).getUserToken();
		assertThat(Duration.between(OffsetDateTime.now(), token.getExpiresAt())).isBetween(Duration.ofMinutes(1439),
				Duration.ofMinutes(1440));
	}

	/**
	 * The SDK sends api-version 2022-10-01, whose specification has no join scopes: ACS
	 * (and so the emulator) refuses them there. Sent under 2023-10-01, as the service
	 * sends every call, a join scope is issued.
	 */
	@Test
	void getTokenWhenVoipJoinThenRefusedUnderTheSdksVersionAndIssuedUnder2023() throws Exception {
		CommunicationUserIdentifier user = client.createUser();
		List<CommunicationTokenScope> voipJoin = List.of(CommunicationTokenScope.fromString("voip.join"));
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getToken(user, voipJoin, Duration.ofMinutes(60)))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(400));
		CommunicationIdentityClient current = TestClients.retryingSdk(emulator, 0,
				TestClients.apiVersion(emulator, "2023-10-01"));

		AccessToken token = current.getToken(user, voipJoin, Duration.ofMinutes(60));

		JWTClaimsSet claims = SignedJWT.parse(token.getToken()).getJWTClaimsSet();
		assertThat(claims.getStringClaim("acsScope")).isEqualTo("voip.join");
		assertThat(claims.getExpirationTime().toInstant()).isEqualTo(token.getExpiresAt().toInstant());
		assertThat(Duration.between(claims.getIssueTime().toInstant(), token.getExpiresAt().toInstant()))
			.isEqualTo(Duration.ofMinutes(60));
		AccessToken second = current.getToken(user, voipJoin, Duration.ofMinutes(60));
		assertThat(second.getToken()).isNotEqualTo(token.getToken());
	}

	@Test
	void revokeTokensWhenCalledThenEarlierTokensInvalidAndNewOnesValid() {
		CommunicationUserIdentifier user = client.createUser();
		AccessToken before = client.getToken(user, List.of(CommunicationTokenScope.CHAT));
		assertThat(emulator.isTokenValid(before.getToken())).isTrue();
		client.revokeTokens(user);
		assertThat(emulator.isTokenValid(before.getToken())).isFalse();
		AccessToken after = client.getToken(user, List.of(CommunicationTokenScope.CHAT));
		assertThat(emulator.isTokenValid(after.getToken())).isTrue();
	}

	@Test
	void deleteUserWhenCalledThenTokensInvalidAndGetTokenNotFound() {
		CommunicationUserIdentifierAndToken created = client.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
		client.deleteUser(created.getUser());
		assertThat(emulator.isTokenValid(created.getUserToken().getToken())).isFalse();
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getToken(created.getUser(), List.of(CommunicationTokenScope.CHAT)))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(404));
		assertThatExceptionOfType(HttpResponseException.class).isThrownBy(() -> client.deleteUser(created.getUser()))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(404));
	}

	@Test
	void getTokenForTeamsUserWhenClaimsMatchThenTokenExpiresWithTeamsToken() throws Exception {
		String appId = UUID.randomUUID().toString();
		String userId = UUID.randomUUID().toString();
		Instant expires = Instant.now().plus(Duration.ofMinutes(70)).truncatedTo(ChronoUnit.SECONDS);
		AccessToken token = client
			.getTokenForTeamsUser(new GetTokenForTeamsUserOptions(teamsToken(appId, userId, expires), appId, userId));
		assertThat(token.getExpiresAt().toInstant()).isEqualTo(expires);
		JWTClaimsSet claims = SignedJWT.parse(token.getToken()).getJWTClaimsSet();
		assertThat(claims.getStringClaim("skypeid")).isEqualTo("orgid:" + userId);
		assertThat(claims.getExpirationTime().toInstant()).isEqualTo(expires);
		assertThat(emulator.isTokenValid(token.getToken())).isTrue();
	}

	@Test
	void getTokenForTeamsUserWhenAppIdOrUserIdDiffersThenBadRequest() throws Exception {
		String appId = UUID.randomUUID().toString();
		String userId = UUID.randomUUID().toString();
		String teamsToken = teamsToken(appId, userId, Instant.now().plus(Duration.ofHours(1)));
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getTokenForTeamsUser(
					new GetTokenForTeamsUserOptions(teamsToken, UUID.randomUUID().toString(), userId)))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(400));
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client
				.getTokenForTeamsUser(new GetTokenForTeamsUserOptions(teamsToken, appId, UUID.randomUUID().toString())))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(400));
	}

	@Test
	void getTokenForTeamsUserWhenTokenExpiredOrMalformedThenUnauthorized() throws Exception {
		String appId = UUID.randomUUID().toString();
		String userId = UUID.randomUUID().toString();
		String expired = teamsToken(appId, userId, Instant.now().minusSeconds(60));
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getTokenForTeamsUser(new GetTokenForTeamsUserOptions(expired, appId, userId)))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(401));
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getTokenForTeamsUser(new GetTokenForTeamsUserOptions("not.a.jwt", appId, userId)))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(401));
	}

	@Test
	void getTokenWhenScopeUnknownThenBadRequest() {
		CommunicationUserIdentifier user = client.createUser();
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getToken(user, List.of(CommunicationTokenScope.fromString("admin"))))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(400));
		assertThatExceptionOfType(HttpResponseException.class).isThrownBy(() -> client.getToken(user, List.of()))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(400));
	}

	@Test
	void getTokenWhenExpiresIn30MinutesThenBadRequest() {
		CommunicationUserIdentifier user = client.createUser();
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getToken(user, List.of(CommunicationTokenScope.CHAT), Duration.ofMinutes(30)))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(400));
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.createUserAndToken(List.of(CommunicationTokenScope.CHAT), Duration.ofHours(25)))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(400));
	}

	@Test
	void getTokenWhenIdentityOfAnotherResourceThenIdentityNotOwned() {
		CommunicationUserIdentifier stranger = new CommunicationUserIdentifier(
				"8:acs:" + UUID.randomUUID() + "_00000005-14a2-493b-8a72-5a3a0d000081");
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getToken(stranger, List.of(CommunicationTokenScope.CHAT)))
			.satisfies((ex) -> {
				assertThat(ex.getResponse().getStatusCode()).isEqualTo(401);
				assertThat(ex.getMessage()).contains("IdentityNotOwned")
					.contains("Provided identity doesn't belong to the resource.");
			});
	}

	@Test
	void getTokenWhenIdentityUnknownThenNotFound() {
		CommunicationUserIdentifier unknown = new CommunicationUserIdentifier(
				"8:acs:" + emulator.resourceId() + "_" + UUID.randomUUID());
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> client.getToken(unknown, List.of(CommunicationTokenScope.CHAT)))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(404));
		assertThatExceptionOfType(HttpResponseException.class).isThrownBy(() -> client.revokeTokens(unknown))
			.satisfies((ex) -> assertThat(ex.getResponse().getStatusCode()).isEqualTo(404));
	}

	@Test
	void createUserWhenAccessKeyWrongThenDenied() {
		CommunicationIdentityClient wrong = TestClients.sdk(emulator,
				"endpoint=" + emulator.endpoint() + ";accesskey=d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXkhIQ==");
		assertThatExceptionOfType(HttpResponseException.class).isThrownBy(wrong::createUser).satisfies((ex) -> {
			assertThat(ex.getResponse().getStatusCode()).isEqualTo(401);
			assertThat(ex.getMessage()).contains("Denied");
		});
	}

	/**
	 * A stand-in for an Entra token: the emulator cannot check Entra's signature anyway.
	 */
	private static String teamsToken(String appId, String userId, Instant expires) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
				new JWTClaimsSet.Builder().audience("https://auth.msft.communication.azure.com")
					.claim("appid", appId)
					.claim("oid", userId)
					.issueTime(new Date())
					.expirationTime(Date.from(expires))
					.build());
		jwt.sign(new MACSigner(new byte[32]));
		return jwt.serialize();
	}

}
