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

import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.acstokenservice.emulator.AcsLimit;
import org.acstokenservice.emulator.LimitSettings;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.ServiceClient;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of new users spread over three instances spends at most the fleet's ACS budget,
 * not three times it: each instance alone would stay within the budget and the fleet
 * would still overrun ACS's limit (the emulator's, as ACS's, per resource). The surplus
 * gets 503 with {@code Retry-After}; a token already issued is still handed out again.
 * Without the budget, or when another application spends the resource's allowance, ACS
 * throttles: every user then gets a token or 503 with {@code Retry-After}, never a 500,
 * and nothing is stored for an identity that was not created.
 */
@IntegrationTest
class FleetAcsBudgetTests {

	private static final int BUDGET = 12;

	private static final int NEW_USERS = 3 * BUDGET;

	@Test
	void issueTokenWhenBurstOfNewUsersOnEveryInstanceThenFleetStaysWithinBudget() throws Exception {
		try (Fleet fleet = Fleet.start(throttlingAt(BUDGET + 2), List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO),
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
			assertThat(fleet.acs().limits().usage(AcsLimit.CREATE_IDENTITY_AND_TOKEN).totalThrottled())
				.as("ACS never throttled while the budget held")
				.isZero();
		}
	}

	@Test
	void issueTokenWhenNoBudgetOrAnotherApplicationSpendsTheAllowanceThenTokensOr503NeverA500() throws Exception {
		try (Fleet fleet = Fleet.start(throttlingAt(BUDGET), List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO),
				"acs.budget.enabled=false", "acs.client.max-retries=0")) {
			List<HttpResponse<String>> unbudgeted = burstOfNewUsers(fleet);

			assertTokensOr503(fleet, unbudgeted);
			assertThat(fleet.acs().limits().usage(AcsLimit.CREATE_IDENTITY_AND_TOKEN).totalThrottled())
				.as("without the budget, ACS throttles")
				.isPositive();

			fleet.acs().limits().reset();
			fleet.acs().limits().spend(AcsLimit.CREATE_IDENTITY_AND_TOKEN, BUDGET - 2);
			List<HttpResponse<String>> shared = burstOfNewUsers(fleet);

			assertTokensOr503(fleet, shared);
			assertThat(shared.stream().filter((response) -> response.statusCode() == 200))
				.as("what another application left")
				.hasSizeLessThanOrEqualTo(2);
		}
	}

	/**
	 * Every answer a token or 503 with {@code Retry-After}; a mapping stored for each
	 * token, and an identity at ACS for each mapping, none for the refused.
	 */
	private static void assertTokensOr503(Fleet fleet, List<HttpResponse<String>> responses) {
		List<String> issued = new ArrayList<>();
		for (HttpResponse<String> response : responses) {
			if (response.statusCode() == 200) {
				issued.add(ServiceClient.json(response).path("user").path("communicationUserId").asString());
				continue;
			}
			assertProblem(response, 503, "acs_unavailable");
			assertThat(response.headers().firstValue("Retry-After")).isPresent();
		}
		List<String> stored = fleet.database()
			.sql("select communication_user_id from acs_identity where app_user_id like 'burst-%'")
			.query(String.class)
			.list();
		assertThat(stored).as("a mapping for every token, none for a refusal").containsAll(issued);
		assertThat(stored).allSatisfy((identity) -> assertThat(fleet.acs().identityExists(identity)).isTrue());
	}

	private static AcsEmulatorSettings throttlingAt(int createsPerWindow) {
		return AcsEmulatorSettings.inMemory()
			.withLimits(LimitSettings.acs().withLimit(AcsLimit.CREATE_IDENTITY_AND_TOKEN, createsPerWindow));
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
				String user = fleet.users().standard("burst-");
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
