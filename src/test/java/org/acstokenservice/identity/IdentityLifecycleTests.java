package org.acstokenservice.identity;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.MutableClock;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestUsers;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.emulator.AcsEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.util.ReflectionTestUtils;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation, erasure, look-ups, the admin's endpoints, stale identities and token reuse,
 * through the HTTP API against the emulator. Each test signs in as users of its own.
 */
@JwtServiceTest
class IdentityLifecycleTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Autowired
	MutableClock clock;

	@Autowired
	AcsEmulator emulator;

	@Autowired
	AcsResources acs;

	@Autowired
	MeterRegistry meters;

	@Autowired
	JdbcIdentityStore store;

	@Autowired
	ApplicationContext context;

	@AfterEach
	void resetClock() {
		this.clock.reset();
	}

	@Test
	void backgroundJobsWhenRunOnH2ThenUnderTheirLocks() {
		ReflectionTestUtils.invokeMethod(this.context.getBean("pendingDeletions"), "retry");
		ReflectionTestUtils.invokeMethod(this.context.getBean("auditRetention"), "purge");

		assertThat(this.context.getBean(JdbcClient.class)
			.sql("select name from shedlock where name in ('pending-acs-deletions', 'audit-purge') order by name")
			.query(String.class)
			.list()).containsExactly("audit-purge", "pending-acs-deletions");
	}

	@Test
	void issueTokenWhenAskedTwiceForSameScopesThenSameTokenReused() {
		String alice = this.users.standard();
		double hits = reuse("hit");
		JsonNode first = token(alice, "{\"scopes\":[\"chat\"]}");
		JsonNode second = token(alice, "{\"scopes\":[\"chat\"]}");
		JsonNode other = token(alice, "{\"scopes\":[\"voip\"]}");

		assertThat(second.path("token").asString()).isEqualTo(first.path("token").asString());
		assertThat(other.path("token").asString()).isNotEqualTo(first.path("token").asString());
		assertThat(reuse("hit")).isEqualTo(hits + 1);
	}

	@Test
	void issueTokenWhenCachedTokenHasLessThanHalfItsLifeLeftThenNewToken() {
		String bob = this.users.basic();
		JsonNode first = token(bob, "{\"expiresInMinutes\":60}");
		JsonNode again = token(bob, "{\"expiresInMinutes\":60}");
		this.clock.advance(Duration.ofMinutes(35));

		JsonNode later = token(bob, "{\"expiresInMinutes\":60}");

		assertThat(again.path("token").asString()).isEqualTo(first.path("token").asString());
		assertThat(later.path("token").asString()).isNotEqualTo(first.path("token").asString());
	}

	@Test
	void issueTokenWhenShorterLifetimeAskedThanCachedTokenHasThenNewToken() {
		String alice = this.users.standard();
		JsonNode longLived = token(alice, "{\"scopes\":[\"chat.join\"],\"expiresInMinutes\":600}");
		JsonNode shortLived = token(alice, "{\"scopes\":[\"chat.join\"],\"expiresInMinutes\":60}");

		assertThat(shortLived.path("token").asString()).isNotEqualTo(longLived.path("token").asString());
		assertThat(Instant.parse(shortLived.path("expiresOn").asString()))
			.isBefore(Instant.parse(longLived.path("expiresOn").asString()));
	}

	@Test
	void revokeWhenTokensIssuedThenInvalidAtAcsAndNeverReused() {
		String admin = this.users.admin();
		String before = token(admin, null).path("token").asString();

		HttpResponse<String> revoked = this.client.post("/token/revoke", admin, null);

		assertThat(revoked.statusCode()).isEqualTo(204);
		assertThat(this.emulator.isTokenValid(before)).isFalse();
		String after = token(admin, null).path("token").asString();
		assertThat(after).isNotEqualTo(before);
		assertThat(this.emulator.isTokenValid(after)).isTrue();
	}

	@Test
	void eraseWhenIdentityExistsThenGoneAtAcsAndHereAndNextTokenMakesANewOne() {
		String bob = this.users.basic();
		JsonNode issued = token(bob, null);
		String identity = issued.path("user").path("communicationUserId").asString();

		HttpRequest erase = this.client.request("/identity", bob).DELETE().build();
		assertThat(this.client.send(erase).statusCode()).isEqualTo(204);

		assertThat(this.emulator.isTokenValid(issued.path("token").asString())).isFalse();
		assertThat(this.client.get("/identity", bob).statusCode()).isEqualTo(404);
		assertThat(this.client.send(erase).statusCode()).as("erasure is idempotent").isEqualTo(204);
		String next = token(bob, null).path("user").path("communicationUserId").asString();
		assertThat(next).isNotEqualTo(identity);
	}

	@Test
	void lookupWhenOtherUserHasIdentityThenBothDirectionsResolve() {
		String alice = this.users.standard();
		String bob = this.users.basic();
		String identity = token(bob, null).path("user").path("communicationUserId").asString();

		HttpResponse<String> forward = this.client.get("/users/" + bob + "/identity", alice);
		HttpResponse<String> reverse = this.client.get("/identities/" + identity, alice);

		assertThat(forward.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(forward).path("communicationUserId").asString()).isEqualTo(identity);
		assertThat(reverse.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(reverse).path("appUserId").asString()).isEqualTo(bob);
		assertThat(this.client.get("/users/nobody/identity", alice).statusCode()).isEqualTo(404);
		assertThat(this.client.get("/identities/8:acs:unknown_1", alice).statusCode()).isEqualTo(404);
	}

	@Test
	void adminEndpointsWhenNotAdminThenForbiddenProblem() {
		String alice = this.users.standard();
		String bob = this.users.basic();
		HttpResponse<String> response = this.client.post("/admin/users/" + bob + "/revoke", alice, null);

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(ServiceClient.json(response).path("code").asString()).isEqualTo("forbidden");
	}

	@Test
	void adminWhenRevokingAndErasingAnotherUserThenDone() {
		String alice = this.users.standard();
		String admin = this.users.admin();
		JsonNode issued = token(alice, "{\"scopes\":[\"voip.join\"]}");

		assertThat(this.client.post("/admin/users/" + alice + "/revoke", admin, null).statusCode()).isEqualTo(204);
		assertThat(this.emulator.isTokenValid(issued.path("token").asString())).isFalse();
		HttpRequest erase = this.client.request("/admin/users/" + alice, admin).DELETE().build();
		assertThat(this.client.send(erase).statusCode()).isEqualTo(204);
		assertThat(this.client.get("/identity", alice).statusCode()).isEqualTo(404);
		assertThat(this.client.send(erase).statusCode()).isEqualTo(404);
		assertThat(this.client.post("/admin/users/nobody/revoke", admin, null).statusCode()).isEqualTo(404);
	}

	@Test
	void issueTokenWhenAcsForgotStoredIdentityThenReplacedAndTokenIssued() {
		String admin = this.users.admin();
		String original = token(admin, null).path("user").path("communicationUserId").asString();
		// Revoked first, so that no token issued before can be reused and ACS is asked.
		assertThat(this.client.post("/token/revoke", admin, null).statusCode()).isEqualTo(204);
		this.acs.gateway(AcsResources.DEFAULT).deleteIdentity(original);

		JsonNode replaced = token(admin, null);

		String replacement = replaced.path("user").path("communicationUserId").asString();
		assertThat(replacement).isNotEqualTo(original);
		assertThat(this.emulator.isTokenValid(replaced.path("token").asString())).isTrue();
		assertThat(ServiceClient.json(this.client.get("/identity", admin)).path("communicationUserId").asString())
			.isEqualTo(replacement);
	}

	@Test
	void issueTokenAndEraseWhenStoredIdentityBelongsToAnotherResourceThenRejectedAndNotForgotten() {
		String carol = this.users.standard();
		// ACS answers 401 IdentityNotOwned for another resource's identity.
		String foreign = "8:acs:" + UUID.randomUUID() + "_" + UUID.randomUUID();
		this.store.insertIfAbsent(new StoredIdentity(carol, foreign, this.clock.instant(), null));

		assertProblem(this.client.post("/token", carol, null), 502, "acs_rejected");
		assertThat(ServiceClient.json(this.client.get("/identity", carol)).path("communicationUserId").asString())
			.as("not replaced by a new identity")
			.isEqualTo(foreign);

		HttpRequest erase = this.client.request("/identity", carol).DELETE().build();
		assertProblem(this.client.send(erase), 502, "acs_rejected");
		assertThat(this.store.pendingDeletionsOf(carol)).as("not taken as deleted")
			.extracting(JdbcIdentityStore.PendingDeletion::communicationUserId)
			.containsExactly(foreign);
		// Nothing left for the background retries of the shared context.
		this.store.deletionDone(foreign);
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
