package org.acstokenservice.security;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestUsers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests without credentials loop as fast as failed sign-ins: an address gets the
 * failed sign-in allowance of them, counted in memory, and then a delayed 429 like the
 * rest, while a signed-in user at the same address is still served.
 */
@SignInLimitTest
class MissingCredentialsLimitTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Test
	void requestWithoutCredentialsWhenAllowanceSpentThenDelayed429AndSignedInUserServed() {
		ServiceClient anonymous = this.client.forwardedFor("192.0.2.30");
		for (int i = 0; i < SignInLimitTest.CAPACITY; i++) {
			assertProblem(anonymous.post("/token", null, null), 401, "unauthorized");
		}
		long start = System.nanoTime();

		HttpResponse<String> refused = anonymous.post("/token", null, null);

		assertProblem(refused, 429, "rate_limited");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("held back like a failed sign-in")
			.isGreaterThanOrEqualTo(Duration.ofMillis(45));
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertProblem(this.client.forwardedFor("192.0.2.31").post("/token", null, null), 401, "unauthorized");
		assertThat(anonymous.post("/token", this.users.standard(), null).statusCode()).isEqualTo(200);
	}

}
