package org.acstokenservice.policy;

import java.net.http.HttpResponse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestUsers;
import org.acstokenservice.audit.AuditEvent;
import org.acstokenservice.audit.AuditTrail;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stricter policy than the shared test configuration, in a context of its own: a small
 * per-user rate limit, and look-ups for users of one role only, five a minute.
 */
@JwtServiceTest
@TestPropertySource(properties = { "token-service.policy.rate-limit.capacity=3",
		"token-service.policy.lookup.roles[0]=AGENT", "token-service.policy.lookup.max-per-minute=5" })
class RestrictivePolicyTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Autowired
	AuditTrail audit;

	@Autowired
	MeterRegistry meters;

	@Test
	void issueTokenWhenUserOverRateLimitThenRateLimitedWithRetryAfter() {
		String busy = this.users.basic();
		for (int i = 0; i < 3; i++) {
			assertThat(this.client.post("/token", busy, null).statusCode()).isEqualTo(200);
		}

		HttpResponse<String> limited = this.client.post("/token", busy, null);

		assertProblem(limited, 429, "rate_limited");
		assertThat(limited.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		assertThat(this.client.post("/token", this.users.basic(), null).statusCode()).isEqualTo(200);
	}

	@Test
	void lookupWhenPolicyWantsARoleThenOnlyUsersWithIt() {
		String callee = this.users.basic();
		assertThat(this.client.post("/token", callee, null).statusCode()).isEqualTo(200);

		HttpResponse<String> allowed = this.client.get("/users/" + callee + "/identity", this.users.withRoles("AGENT"));
		HttpResponse<String> refused = this.client.get("/users/" + callee + "/identity", this.users.basic());

		assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
		assertProblem(refused, 403, "forbidden");
	}

	@Test
	void issueTokenWhenRefusedByLimitAgainAndAgainThenAuditedOnceButCountedEachTime() {
		String looping = this.users.basic();
		double before = rateLimitedCount("token_issue");
		for (int i = 0; i < 3; i++) {
			assertThat(this.client.post("/token", looping, null).statusCode()).isEqualTo(200);
		}

		for (int i = 0; i < 6; i++) {
			assertProblem(this.client.post("/token", looping, null), 429, "rate_limited");
		}

		assertThat(this.audit.recent(looping, 100)).filteredOn((event) -> "rate_limited".equals(event.reason()))
			.singleElement()
			.satisfies((event) -> assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.DENIED));
		assertThat(rateLimitedCount("token_issue") - before).isEqualTo(6);
	}

	@Test
	void lookupWhenOverPerMinuteLimitThenRateLimitedWithRetryAfter() {
		String callee = this.users.basic();
		assertThat(this.client.post("/token", callee, null).statusCode()).isEqualTo(200);
		String agent = this.users.withRoles("AGENT");
		for (int i = 0; i < 5; i++) {
			assertThat(this.client.get("/users/" + callee + "/identity", agent).statusCode()).isEqualTo(200);
		}

		HttpResponse<String> limited = this.client.get("/users/" + callee + "/identity", agent);

		assertProblem(limited, 429, "rate_limited");
		assertThat(limited.headers().firstValue("Retry-After")).isPresent();
		assertThat(this.client.get("/users/" + callee + "/identity", this.users.withRoles("AGENT")).statusCode())
			.as("another user's allowance is their own")
			.isEqualTo(200);
	}

	/**
	 * Reading one's own trail is a database read like a look-up, so it spends the same
	 * allowance: alternating the endpoints does not double it. It needs no look-up role.
	 */
	@Test
	void auditWhenLookUpsSpentThenRateLimitedWithRetryAfterAndOthersUnaffected() {
		String callee = this.users.basic();
		assertThat(this.client.post("/token", callee, null).statusCode()).isEqualTo(200);
		String agent = this.users.withRoles("AGENT");
		for (int i = 0; i < 5; i++) {
			String path = (i % 2 == 0) ? "/identity/audit" : "/users/" + callee + "/identity";
			HttpResponse<String> allowed = this.client.get(path, agent);
			assertThat(allowed.statusCode()).as(path + " " + allowed.body()).isEqualTo(200);
		}

		HttpResponse<String> limited = this.client.get("/identity/audit", agent);

		assertProblem(limited, 429, "rate_limited");
		assertThat(limited.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		assertProblem(this.client.get("/users/" + callee + "/identity", agent), 429, "rate_limited");
		HttpResponse<String> other = this.client.get("/identity/audit", this.users.basic());
		assertThat(other.statusCode()).as("another user's allowance is their own: " + other.body()).isEqualTo(200);
	}

	/**
	 * An admin's look-ups have the per-user limit too, the admin's read of a trail with
	 * them.
	 */
	@Test
	void adminAuditWhenLookUpsSpentThenRateLimitedWithRetryAfter() {
		String subject = this.users.basic();
		String admin = this.users.admin();
		for (int i = 0; i < 5; i++) {
			assertThat(this.client.get("/admin/users/" + subject + "/audit", admin).statusCode()).isEqualTo(200);
		}

		HttpResponse<String> limited = this.client.get("/admin/users/" + subject + "/audit", admin);

		assertProblem(limited, 429, "rate_limited");
		assertThat(limited.headers().firstValue("Retry-After")).isPresent();
		assertThat(this.client.get("/admin/users/" + subject + "/audit", this.users.admin()).statusCode())
			.isEqualTo(200);
	}

	private double rateLimitedCount(String action) {
		Counter counter = this.meters.find("acs.rate_limited").tag("action", action).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
