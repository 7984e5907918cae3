package org.acstokenservice;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.acstokenservice.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of new users spread over three instances spends at most the fleet's ACS budget,
 * not three times it: each instance alone would stay within the budget and the fleet
 * would still overrun ACS's limit. The surplus gets 503 with {@code Retry-After}; a token
 * already issued is still handed out again.
 */
class FleetAcsBudgetTests {

	private static final int BUDGET = 12;

	private static final int NEW_USERS = 3 * BUDGET;

	@Test
	void issueTokenWhenBurstOfNewUsersOnEveryInstanceThenFleetStaysWithinBudget() throws Exception {
		try (Fleet fleet = Fleet.start(List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO),
				"acs.budget.calls=" + BUDGET, "acs.budget.period=1h", "acs.client.max-retries=0")) {
			String regular = fleet.users().standard();
			HttpResponse<String> first = fleet.instance(0).client().post("/token", regular, null);
			assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
			long callsBefore = acsCalls(fleet);

			List<HttpResponse<String>> burst = burstOfNewUsers(fleet);

			long calls = acsCalls(fleet) - callsBefore;
			assertThat(calls).as("ACS calls in the burst").isEqualTo(BUDGET - 1);
			assertThat(burst.stream().filter((response) -> response.statusCode() == 200)).hasSize(BUDGET - 1);
			List<HttpResponse<String>> refused = burst.stream()
				.filter((response) -> response.statusCode() != 200)
				.toList();
			assertThat(refused).hasSize(NEW_USERS - BUDGET + 1).allSatisfy((response) -> {
				assertProblem(response, 503, "acs_unavailable");
				assertThat(response.headers().firstValue("Retry-After")).isPresent();
			});
			HttpResponse<String> again = fleet.instance(0).client().post("/token", regular, null);
			assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
			assertThat(ServiceClient.json(again).path("token").asString())
				.isEqualTo(ServiceClient.json(first).path("token").asString());
		}
	}

	private static long acsCalls(Fleet fleet) {
		return fleet.acs().requestCounts().values().stream().mapToLong(Long::longValue).sum();
	}

	private static List<HttpResponse<String>> burstOfNewUsers(Fleet fleet) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(NEW_USERS);
		try {
			CountDownLatch gate = new CountDownLatch(1);
			List<Future<HttpResponse<String>>> futures = new ArrayList<>();
			for (int n = 0; n < NEW_USERS; n++) {
				Fleet.Instance instance = fleet.roundRobin(n);
				String user = fleet.users().standard();
				futures.add(pool.submit(() -> {
					gate.await();
					return instance.client().post("/token", user, null);
				}));
			}
			gate.countDown();
			List<HttpResponse<String>> responses = Collections.synchronizedList(new ArrayList<>());
			for (Future<HttpResponse<String>> future : futures) {
				responses.add(future.get(60, TimeUnit.SECONDS));
			}
			return responses;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
