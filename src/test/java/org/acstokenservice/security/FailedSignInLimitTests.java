package org.acstokenservice.security;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.acstokenservice.ServiceClient;
import org.acstokenservice.ServiceTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.acstokenservice.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An address that keeps failing to sign in gets 429 for further failed attempts, but a
 * request with valid credentials from the same address is still served: behind a NAT or a
 * proxy, one client with a stale password must not lock out everyone. One test, since
 * every request of this class comes from the same address and so spends the same
 * allowance.
 */
@ServiceTest
@TestPropertySource(properties = { "sign-in.failed-attempts.capacity=3", "sign-in.failed-attempts.period=1h" })
class FailedSignInLimitTests {

	private static final int BURST = 24;

	@Autowired
	ServiceClient client;

	@Test
	void signInWhenBurstOfFailuresThenOnlyCapacityCheckedAndValidCredentialsStillServed() throws Exception {
		List<Integer> statuses = concurrentFailures();

		assertThat(statuses).as("a concurrent burst gets exactly the allowance, no more")
			.filteredOn((status) -> status == 401)
			.hasSize(3);
		assertThat(statuses).filteredOn((status) -> status == 429).hasSize(BURST - 3);

		HttpResponse<String> refused = this.client.send(wrongPassword());
		assertProblem(refused, 429, "rate_limited");
		assertThat(refused.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());

		HttpResponse<String> valid = this.client.post("/token", "alice", null);
		assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
		assertThat(this.client.get("/identity", "bob").statusCode()).isIn(200, 404);
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
					return this.client.send(wrongPassword()).statusCode();
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

	private HttpRequest wrongPassword() {
		return this.client.request("/token", null)
			.header("Authorization", ServiceClient.basic("alice", "guess"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
	}

}
