package org.acstokenservice.ratelimit;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While the database cannot be reached, the grants of evicted buckets wait for it, within
 * a bound: a flood of made-up keys during an outage cannot grow them for as long as it
 * lasts.
 */
class OrphanedGrantsTests {

	private static final BucketLimit LIMIT = BucketLimit.background(10, Duration.ofMinutes(1));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final OrphanedGrants orphans = new OrphanedGrants(1_000, this.meters);

	@Test
	void addWhenMoreKeysThanTheBoundThenTheRestForgottenAndCounted() {
		for (int n = 0; n < 5_000; n++) {
			this.orphans.add("sign-in:198.18.0." + n, 1, LIMIT);
		}

		assertThat(this.orphans.size()).isEqualTo(1_000);
		assertThat(this.meters.get("acs.fleet.bucket.orphans.dropped").counter().count()).isEqualTo(4_000);
		assertThat(this.orphans.drain()).hasSize(1_000);
		assertThat(this.orphans.size()).isZero();
	}

	@Test
	void addWhenKeyKeptAlreadyThenItsGrantsAddUpEvenAtTheBound() {
		for (int n = 0; n < 1_000; n++) {
			this.orphans.add("sign-in:198.18.1." + n, 1, LIMIT);
		}

		this.orphans.add("sign-in:198.18.1.7", 2, LIMIT);

		assertThat(this.orphans.drain()).filteredOn((grant) -> grant.key().equals("sign-in:198.18.1.7"))
			.singleElement()
			.satisfies((grant) -> assertThat(grant.told()).isEqualTo(3));
	}

	@Test
	void putBackWhenRoundFailedThenKeptWithinTheBound() {
		for (int n = 0; n < 1_000; n++) {
			this.orphans.add("sign-in:198.18.2." + n, 1, LIMIT);
		}
		var untold = this.orphans.drain();
		this.orphans.add("token:alice", 1, LIMIT);

		this.orphans.putBack(untold);

		assertThat(this.orphans.size()).isEqualTo(1_000);
	}

}
