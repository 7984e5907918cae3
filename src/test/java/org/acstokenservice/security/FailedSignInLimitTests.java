package org.acstokenservice.security;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.acstokenservice.testsupport.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An address that keeps failing to sign in gets 429 for further failed attempts, but a
 * request with valid credentials from the same address is still served: behind a NAT or a
 * proxy, one client with a stale token must not lock out everyone. Every request of this
 * class comes from one address, and so spends one allowance.
 */
@SignInLimitTest
class FailedSignInLimitTests {

	private static final int BURST = 24;

	@Autowired
	TestUsers users;

	private ServiceClient client;

	@BeforeEach
	void fromOneAddress(@Autowired ServiceClient client) {
		this.client = client.forwardedFor("192.0.2.10");
	}

	@Test
	void signInWhenBurstOfFailuresThenOnlyCapacityCheckedAndValidCredentialsStillServed() throws Exception {
		List<Integer> statuses = concurrentFailures();

		/*
		 * An address is anyone's to make up, so no request waits for the database: a
		 * burst gets the instance's local share at once, the rest of the allowance one
		 * share per background synchronisation (a second), and never more in total.
		 */
		assertThat(statuses).as("a concurrent burst gets at most the allowance")
			.filteredOn((status) -> status == 401)
			.hasSizeBetween(1, SignInLimitTest.CAPACITY);
		assertThat(statuses).filteredOn((status) -> status != 401).containsOnly(429);
		long counted = statuses.stream().filter((status) -> status == 401).count();
		for (int i = 0; i < 40; i++) {
			counted += (forged().statusCode() == 401) ? 1 : 0;
			Thread.sleep(100);
		}
		assertThat(counted).as("failing on for four seconds: exactly the allowance in all")
			.isEqualTo(SignInLimitTest.CAPACITY);

		HttpResponse<String> refused = forged();
		assertProblem(refused, 429, "rate_limited");
		assertThat(refused.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());

		String user = this.users.standard();
		HttpResponse<String> valid = this.client.post("/token", user, null);
		assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
		assertThat(this.client.get("/identity", user).statusCode()).isEqualTo(200);
		assertThat(this.client.get("/actuator/health", null).statusCode()).isEqualTo(200);
	}

	private List<Integer> concurrentFailures() throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(BURST);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int i = 0; i < BURST; i++) {
				results.add(threads.submit(() -> {
					start.await();
					return forged().statusCode();
				}));
			}
			start.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<Integer> result : results) {
				statuses.add(result.get());
			}
			return statuses;
		}
		finally {
			threads.shutdownNow();
		}
	}

	private HttpResponse<String> forged() {
		return this.client.postWithToken("/token", TestJwtIssuer.shared().tokenSignedByOtherKey("guesser"), null);
	}

}
