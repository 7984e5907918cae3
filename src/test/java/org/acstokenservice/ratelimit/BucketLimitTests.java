package org.acstokenservice.ratelimit;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local shares, which bound how far the instances of a fleet run ahead of the
 * database together.
 */
class BucketLimitTests {

	@Test
	void localShareWhenAnyNumberOfInstancesThenTogetherATenthOfTheCapacityAtMost() {
		for (int capacity = 1; capacity <= 1_000; capacity++) {
			BucketLimit limit = BucketLimit.shared(capacity, Duration.ofMinutes(1));
			for (int instances = 1; instances <= 50; instances++) {
				/*
				 * The other instances' shares granted on a stale view, and one share that
				 * a crash left untold.
				 */
				assertThat(instances * limit.localShare(instances)).as("capacity %d, %d instances", capacity, instances)
					.isLessThanOrEqualTo(capacity / 10);
			}
		}
	}

	@Test
	void localShareWhenDefaultsThenAsDocumented() {
		BucketLimit tokens = BucketLimit.shared(20, Duration.ofMinutes(1));
		BucketLimit signIns = BucketLimit.background(10, Duration.ofMinutes(1));

		assertThat(tokens.localShare(1)).isEqualTo(2);
		assertThat(tokens.localShare(2)).isEqualTo(1);
		assertThat(tokens.localShare(3)).as("exact").isZero();
		assertThat(signIns.localShare(3)).as("an address is never asked for on a request's thread").isOne();
		assertThat(BucketLimit.exact(1000, Duration.ofMinutes(1)).localShare(1)).isZero();
	}

	@Test
	void fullBucketReserveWhenShareIsZeroThenOneGrantPerInstanceElseNone() {
		BucketLimit tokens = BucketLimit.shared(20, Duration.ofMinutes(1));

		assertThat(tokens.fullBucketReserve(2)).as("a share of its own").isZero();
		assertThat(tokens.fullBucketReserve(3)).isEqualTo(3);
		assertThat(tokens.fullBucketReserve(10)).isEqualTo(10);
		assertThat(tokens.fullBucketReserve(11)).as("the reserve would take over half the bucket").isZero();
		assertThat(BucketLimit.exact(20, Duration.ofMinutes(1)).fullBucketReserve(3)).isZero();
		assertThat(BucketLimit.background(10, Duration.ofMinutes(1)).fullBucketReserve(50)).isZero();
	}

}
