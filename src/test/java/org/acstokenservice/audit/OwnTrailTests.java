package org.acstokenservice.audit;

import java.net.http.HttpResponse;

import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestUsers;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A data subject reads what the service holds about them (Article 15): their own audit
 * trail, newest first, a page at a time, and nobody else's; an admin reads any user's.
 */
@JwtServiceTest
class OwnTrailTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Test
	void auditWhenSignedInThenOwnRowsOnlyNewestFirstInPages() {
		String alice = this.users.standard();
		String bob = this.users.standard();
		assertThat(this.client.post("/token", alice, null).statusCode()).isEqualTo(200);
		assertThat(this.client.post("/token", alice, null).statusCode()).as("a reuse hit").isEqualTo(200);
		assertThat(this.client.post("/token/revoke", alice, null).statusCode()).isEqualTo(204);
		assertThat(this.client.post("/token", bob, null).statusCode()).isEqualTo(200);

		JsonNode trail = ServiceClient.json(ok(this.client.get("/identity/audit", alice)));

		assertThat(trail.path("events")).extracting((event) -> event.path("action").asString())
			.containsExactly("TOKEN_REVOKE", "TOKEN_REUSE", "TOKEN_ISSUE");
		assertThat(trail.path("events").get(1).path("occurrences").asInt()).isEqualTo(1);
		assertThat(trail.path("events").get(0).path("byYou").asBoolean()).isTrue();
		assertThat(trail.toString()).doesNotContain(bob);
		JsonNode firstPage = ServiceClient.json(ok(this.client.get("/identity/audit?size=2", alice)));
		assertThat(firstPage.path("events")).hasSize(2);
		assertThat(firstPage.path("next").asString()).isNotBlank();
		JsonNode secondPage = ServiceClient
			.json(ok(this.client.get("/identity/audit?size=2&page=" + firstPage.path("next").asString(), alice)));
		assertThat(secondPage.path("events")).extracting((event) -> event.path("action").asString())
			.containsExactly("TOKEN_ISSUE");
		assertThat(secondPage.path("next").isNull() || secondPage.path("next").isMissingNode()).isTrue();
	}

	@Test
	void auditWhenAdminThenAnyUsersTrailAndOthersForbidden() {
		String carol = this.users.standard();
		assertThat(this.client.post("/token", carol, null).statusCode()).isEqualTo(200);

		JsonNode trail = ServiceClient
			.json(ok(this.client.get("/admin/users/" + carol + "/audit", this.users.admin())));

		assertThat(trail.path("events")).extracting((event) -> event.path("action").asString())
			.containsExactly("TOKEN_ISSUE");
		assertProblem(this.client.get("/admin/users/" + carol + "/audit", this.users.standard()), 403, "forbidden");
		assertProblem(this.client.get("/identity/audit?size=0", carol), 400, "invalid_request");
		assertProblem(this.client.get("/identity/audit?page=garbage", carol), 400, "invalid_request");
	}

	private static HttpResponse<String> ok(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response;
	}

}
