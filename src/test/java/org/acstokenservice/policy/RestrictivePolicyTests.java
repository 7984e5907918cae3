package org.acstokenservice.policy;

import java.net.http.HttpResponse;

import org.acstokenservice.JwtServiceTest;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.TestUsers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.acstokenservice.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stricter policy than the shared test configuration, in a context of its own: a small
 * per-user rate limit, and look-ups for users of one role only.
 */
@JwtServiceTest
@TestPropertySource(properties = { "policy.rate-limit.capacity=3", "policy.lookup.roles[0]=AGENT" })
class RestrictivePolicyTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

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

}
