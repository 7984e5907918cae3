package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sliding window in memory: never more than its calls in any window, and a refusal says
 * exactly when the window admits again.
 */
class InMemoryWindowStoreTests {

	private static final WindowLimit FIVE_A_MINUTE = new WindowLimit(5, Duration.ofMinutes(1));

	private long now = 1_000_000_000L;

	private final InMemoryWindowStore store = new InMemoryWindowStore(() -> this.now);

	@Test
	void tryAdmitWhenCallsSpentThenRefusedUntilTheOldestLeavesTheWindow() {
		for (int n = 0; n < 5; n++) {
			assertThat(this.store.tryAdmit("acs-budget:default:revoke", FIVE_A_MINUTE)).isEmpty();
			advance(Duration.ofSeconds(10));
		}

		assertThat(this.store.tryAdmit("acs-budget:default:revoke", FIVE_A_MINUTE)).contains(Duration.ofSeconds(10));
		advance(Duration.ofSeconds(10).minusNanos(1));
		assertThat(this.store.tryAdmit("acs-budget:default:revoke", FIVE_A_MINUTE)).contains(Duration.ofNanos(1));
		advance(Duration.ofNanos(1));
		assertThat(this.store.tryAdmit("acs-budget:default:revoke", FIVE_A_MINUTE)).isEmpty();
		assertThat(this.store.tryAdmit("acs-budget:default:revoke", FIVE_A_MINUTE))
			.as("the next one leaves 10 s after the first")
			.contains(Duration.ofSeconds(10));
		assertThat(this.store.tryAdmit("acs-budget:default:delete", FIVE_A_MINUTE)).as("another key").isEmpty();
	}

	@Test
	void tryAdmitWhenCallsComeAtRandomThenNoWindowHoldsMoreThanTheLimit() {
		Random random = new Random(7);
		WindowLimit limit = new WindowLimit(50, Duration.ofSeconds(30));
		List<Long> admitted = new ArrayList<>();
		for (int n = 0; n < 20_000; n++) {
			advance(Duration.ofMillis(random.nextInt(100)));
			if (this.store.tryAdmit("key", limit).isEmpty()) {
				admitted.add(this.now);
			}
		}

		long window = limit.window().toNanos();
		int most = 0;
		for (int first = 0, last = 0; last < admitted.size(); last++) {
			while (admitted.get(last) - admitted.get(first) >= window) {
				first++;
			}
			most = Math.max(most, last - first + 1);
		}
		assertThat(most).as("most calls in any 30 s").isEqualTo(50);
		assertThat(admitted.size()).as("and the window is used: about 50 per 30 s over 1,000 s")
			.isGreaterThan(33 * 50 - 50);
	}

	@Test
	void tryAdmitWhenLimitLoweredThenTheNewestCallsStillCount() {
		WindowLimit four = new WindowLimit(4, Duration.ofMinutes(1));
		for (int n = 0; n < 4; n++) {
			assertThat(this.store.tryAdmit("key", four)).isEmpty();
			advance(Duration.ofSeconds(1));
		}

		WindowLimit two = new WindowLimit(2, Duration.ofMinutes(1));
		Optional<Duration> refused = this.store.tryAdmit("key", two);

		assertThat(refused).as("the second newest leaves 58 s from now").contains(Duration.ofSeconds(58));
		advance(Duration.ofSeconds(58));
		assertThat(this.store.tryAdmit("key", two)).isEmpty();
		assertThat(this.store.tryAdmit("key", new WindowLimit(4, Duration.ofMinutes(1)))).as("raised again").isEmpty();
	}

	private void advance(Duration duration) {
		this.now += duration.toNanos();
	}

}
