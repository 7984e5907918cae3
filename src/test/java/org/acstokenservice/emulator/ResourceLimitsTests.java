package org.acstokenservice.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ResourceLimitsTests {

	private final ManualClock clock = new ManualClock();

	@Test
	void admitWhenLimitSpentThenRefusedUntilOldestCallLeavesTheWindow() {
		ResourceLimits limits = limits(LimitSettings.acs().withEveryLimit(3));
		assertThat(limits.admit(AcsLimit.ISSUE_TOKEN)).isZero();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(limits.admit(AcsLimit.ISSUE_TOKEN)).isZero();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(limits.admit(AcsLimit.ISSUE_TOKEN)).isZero();
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(limits.admit(AcsLimit.ISSUE_TOKEN)).as("the first call leaves in 5 s").isEqualTo(5_000);
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(limits.admit(AcsLimit.ISSUE_TOKEN)).as("30 s after the first call").isZero();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(limits.admit(AcsLimit.ISSUE_TOKEN)).as("the second call leaves 40 s in").isEqualTo(9_000);
	}

	@Test
	void admitWhenRefusedThenRefusalsDoNotCountAgainstTheLimit() {
		ResourceLimits limits = limits(LimitSettings.acs().withEveryLimit(2));
		limits.admit(AcsLimit.DELETE);
		limits.admit(AcsLimit.DELETE);
		for (int i = 0; i < 100; i++) {
			assertThat(limits.admit(AcsLimit.DELETE)).isEqualTo(30_000);
		}
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(limits.admit(AcsLimit.DELETE)).isZero();
		assertThat(limits.admit(AcsLimit.DELETE)).isZero();
		assertThat(limits.admit(AcsLimit.DELETE)).isEqualTo(30_000);
	}

	@Test
	void admitWhenOneLimitSpentThenOthersUnaffected() {
		ResourceLimits limits = limits(LimitSettings.acs().withEveryLimit(1));
		limits.admit(AcsLimit.CREATE_IDENTITY);
		assertThat(limits.admit(AcsLimit.CREATE_IDENTITY)).isPositive();
		for (AcsLimit other : AcsLimit.values()) {
			if (other != AcsLimit.CREATE_IDENTITY) {
				assertThat(limits.admit(other)).as(other.name()).isZero();
			}
		}
	}

	@Test
	void usageWhenCallsAndRefusalsThenCountedInTheWindowAndInTotal() {
		ResourceLimits limits = limits(LimitSettings.acs().withLimit(AcsLimit.REVOKE, 3));
		limits.admit(AcsLimit.REVOKE);
		this.clock.advance(Duration.ofSeconds(12));
		limits.admit(AcsLimit.REVOKE);
		limits.admit(AcsLimit.REVOKE);
		limits.admit(AcsLimit.REVOKE);
		limits.admit(AcsLimit.REVOKE);

		ResourceLimits.Usage usage = limits.usage(AcsLimit.REVOKE);
		assertThat(usage.perWindow()).isEqualTo(3);
		assertThat(usage.callsInWindow()).isEqualTo(3);
		assertThat(usage.remaining()).isZero();
		assertThat(usage.throttledInWindow()).isEqualTo(2);
		assertThat(usage.totalCalls()).isEqualTo(3);
		assertThat(usage.totalThrottled()).isEqualTo(2);
		assertThat(usage.windowEnd()).isEqualTo(this.clock.instant());
		assertThat(usage.windowStart()).isEqualTo(this.clock.instant().minusSeconds(30));
		assertThat(usage.retryAfter()).isEqualTo(Duration.ofSeconds(18));

		this.clock.advance(Duration.ofSeconds(20));
		usage = limits.usage(AcsLimit.REVOKE);
		assertThat(usage.callsInWindow()).isEqualTo(2);
		assertThat(usage.remaining()).isEqualTo(1);
		assertThat(usage.retryAfter()).isZero();

		this.clock.advance(Duration.ofSeconds(31));
		usage = limits.usage(AcsLimit.REVOKE);
		assertThat(usage.callsInWindow()).isZero();
		assertThat(usage.throttledInWindow()).isZero();
		assertThat(usage.totalCalls()).isEqualTo(3);
		assertThat(usage.totalThrottled()).isEqualTo(2);
	}

	@Test
	void spendWhenMoreThanTheAllowanceLeftThenTheRestRefused() {
		ResourceLimits limits = limits(LimitSettings.acs().withEveryLimit(5));
		limits.admit(AcsLimit.ISSUE_TOKEN);
		assertThat(limits.spend(AcsLimit.ISSUE_TOKEN, 7)).isEqualTo(4);
		assertThat(limits.admit(AcsLimit.ISSUE_TOKEN)).isEqualTo(30_000);
		ResourceLimits.Usage usage = limits.usage(AcsLimit.ISSUE_TOKEN);
		assertThat(usage.callsInWindow()).isEqualTo(5);
		assertThat(usage.totalThrottled()).as("3 of the spent calls, 1 admit").isEqualTo(4);
		assertThat(limits.spend(AcsLimit.ISSUE_TOKEN, 2)).isZero();
	}

	@Test
	void spendWhenCallsNotPositiveThenRefused() {
		ResourceLimits limits = limits(LimitSettings.acs());
		assertThatIllegalArgumentException().isThrownBy(() -> limits.spend(AcsLimit.ISSUE_TOKEN, 0));
	}

	@Test
	void resetWhenCalledThenEveryWindowEmptyAndTotalsZero() {
		ResourceLimits limits = limits(LimitSettings.acs().withEveryLimit(1));
		limits.admit(AcsLimit.TEAMS_EXCHANGE);
		limits.admit(AcsLimit.TEAMS_EXCHANGE);
		limits.reset();
		assertThat(limits.usage(AcsLimit.TEAMS_EXCHANGE).totalCalls()).isZero();
		assertThat(limits.usage(AcsLimit.TEAMS_EXCHANGE).totalThrottled()).isZero();
		assertThat(limits.usage(AcsLimit.TEAMS_EXCHANGE).throttledInWindow()).isZero();
		assertThat(limits.admit(AcsLimit.TEAMS_EXCHANGE)).isZero();
	}

	@Test
	void admitWhenOffThenNeverRefusedAndNothingToSpend() {
		ResourceLimits limits = limits(LimitSettings.off().withEveryLimit(1));
		for (int i = 0; i < 10_000; i++) {
			assertThat(limits.admit(AcsLimit.ISSUE_TOKEN)).isZero();
		}
		assertThat(limits.usage(AcsLimit.ISSUE_TOKEN).totalThrottled()).isZero();
		assertThatIllegalStateException().isThrownBy(() -> limits.spend(AcsLimit.ISSUE_TOKEN, 1));
	}

	@Test
	void usageWhenAllAskedThenOneEntryPerLimitInOrder() {
		assertThat(limits(LimitSettings.acs()).usage()).containsOnlyKeys(AcsLimit.values())
			.hasSize(AcsLimit.values().length);
		assertThat(limits(LimitSettings.acs()).usage().keySet()).containsExactly(AcsLimit.values());
	}

	@Test
	void admitWhenManyThreadsAtOnceThenExactlyTheLimitAdmitted() throws Exception {
		ResourceLimits limits = limits(LimitSettings.acs());
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> admitted = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				admitted.add(pool.submit(() -> {
					start.await();
					int count = 0;
					for (int i = 0; i < 1000; i++) {
						if (limits.admit(AcsLimit.ISSUE_TOKEN) == 0) {
							count++;
						}
					}
					return count;
				}));
			}
			start.countDown();
			int total = 0;
			for (Future<Integer> future : admitted) {
				total += future.get(10, TimeUnit.SECONDS);
			}
			assertThat(total).isEqualTo(AcsLimit.ISSUE_TOKEN.acsPerWindow());
			assertThat(limits.usage(AcsLimit.ISSUE_TOKEN).totalThrottled()).isEqualTo(threads * 1000L - total);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private ResourceLimits limits(LimitSettings settings) {
		return new ResourceLimits(settings, this.clock);
	}

}
