package org.acstokenservice;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.acstokenservice.emulator.AcsLimit;
import org.acstokenservice.emulator.LimitSettings;
import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * After an incident every user revokes at once, more users than ACS admits revocations
 * per window: the fleet stays within ACS's window for the operation (500 revocations in
 * any window, less the share left to other applications), so ACS never throttles it, and
 * every user's revocation succeeds, the surplus through 503 and {@code Retry-After}. A
 * budget that is a refilling bucket grants its capacity at once and refills within the
 * same window, nearly twice the limit: ACS throttled that.
 * <p>
 * ACS's numbers and ACS's window of 30 seconds: a shorter window lets a bucket's refill
 * keep up with what this machine can send, and would prove nothing.
 */
@IntegrationTest
class MassRevocationTests {

	private static final Duration WINDOW = LimitSettings.ACS_WINDOW;

	private static final int USERS = 620;

	@Test
	void revokeWhenEveryUserAtOnceThenAcsNeverThrottlesAndEveryRevocationSucceeds() throws Exception {
		AcsEmulatorSettings acs = AcsEmulatorSettings.inMemory().withLimits(LimitSettings.acs());
		try (Fleet fleet = Fleet.start(acs, List.of(Duration.ZERO, Duration.ZERO))) {
			List<String> users = new ArrayList<>();
			for (int n = 0; n < USERS; n++) {
				users.add(fleet.users().standard("mass-"));
			}
			AtomicInteger refused = new AtomicInteger();
			everyone(users, (user, n) -> untilServed(fleet.roundRobin(n), "/token", user, 200, refused));
			int refusedWhileIssuing = refused.getAndSet(0);

			long start = System.nanoTime();
			everyone(users, (user, n) -> untilServed(fleet.roundRobin(n), "/token/revoke", user, 204, refused));
			System.out.printf("%d revocations in %d ms, %d answers 503%n", USERS,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), refused.get());

			assertThat(fleet.acs().limits().usage(AcsLimit.REVOKE).totalCalls()).as("one revocation at ACS per user")
				.isEqualTo(USERS);
			assertThat(fleet.acs().limits().usage(AcsLimit.REVOKE).totalThrottled()).as("429s from ACS").isZero();
			assertThat(fleet.acs().limits().usage(AcsLimit.CREATE_IDENTITY_AND_TOKEN).totalThrottled()).isZero();
			assertThat(refused.get()).as("revocations held back by the fleet, answered 503 with Retry-After")
				.isPositive();
			assertThat(refusedWhileIssuing).as("first tokens held back: 620 creations fit in ACS's 1000").isZero();
		}
	}

	/** Asks again after {@code Retry-After} for as long as the answer is 503. */
	private static Void untilServed(Fleet.Instance instance, String path, String user, int expected,
			AtomicInteger refused) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (true) {
			HttpResponse<String> response = instance.client().post(path, user, null);
			if (response.statusCode() == expected) {
				return null;
			}
			assertProblem(response, 503, "acs_unavailable");
			long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
			assertThat(retryAfter).isBetween(1L, WINDOW.toSeconds() + 1);
			refused.incrementAndGet();
			assertThat(System.nanoTime()).as("served within 90 s").isLessThan(deadline);
			Thread.sleep(TimeUnit.SECONDS.toMillis(retryAfter));
		}
	}

	private static void everyone(List<String> users, UserCall call) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(64);
		try {
			List<Future<Void>> futures = new ArrayList<>();
			for (int n = 0; n < users.size(); n++) {
				String user = users.get(n);
				int index = n;
				futures.add(pool.submit(() -> call.run(user, index)));
			}
			for (Future<Void> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@FunctionalInterface
	private interface UserCall {

		Void run(String user, int n) throws Exception;

	}

}
