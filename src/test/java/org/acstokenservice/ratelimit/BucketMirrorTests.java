package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One instance's view of a bucket: what it decides from memory, and when a request must
 * wait for a statement.
 */
class BucketMirrorTests {

	private static final Duration SYNC = Duration.ofSeconds(1);

	@Test
	void decideWhenMadeUpKeyPastItsShareThenRefusedFromMemoryUntilTheBackgroundSync() {
		BucketLimit limit = BucketLimit.background(10, Duration.ofMinutes(1));
		BucketMirror mirror = new BucketMirror("sign-in:2001:db8:ab:1::/64", limit);
		assertThat(mirror.decide(limit, System.nanoTime(), false, 1, SYNC, 0, false))
			.isEqualTo(BucketMirror.Decision.GRANTED);

		for (int i = 0; i < 100; i++) {
			BucketMirror.Decision past = mirror.decide(limit, System.nanoTime(), false, 1, SYNC, 0, false);

			assertThat(past.outcome()).as("refused for a synchronisation").contains(SYNC);
			assertThat(past.sync()).as("no statement to wait for").isNull();
		}
		mirror.startSync(new CompletableFuture<>());
		mirror.synced(new BucketTable.Result(9, 0), System.nanoTime());

		assertThat(mirror.decide(limit, System.nanoTime(), false, 1, SYNC, 0, false)).as("the fleet left 9")
			.isEqualTo(BucketMirror.Decision.GRANTED);
	}

	@Test
	void decideWhenMadeUpKeyEmptyThenRefusedUntilRefilled() {
		BucketLimit limit = BucketLimit.background(10, Duration.ofMinutes(1));
		BucketMirror mirror = new BucketMirror("sign-in:198.51.100.2", limit);
		mirror.startSync(new CompletableFuture<>());
		mirror.synced(new BucketTable.Result(0, 0), System.nanoTime());

		assertThat(mirror.decide(limit, System.nanoTime(), false, 1, SYNC, 0, false).outcome())
			.hasValueSatisfying((wait) -> assertThat(wait).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(6)));
	}

	@Test
	void decideWhenSignedInUserPastItsShareThenWaitsForItsBucketsStatement() {
		BucketLimit limit = BucketLimit.shared(10, Duration.ofMinutes(1));
		BucketMirror mirror = new BucketMirror("token:alice", limit);
		assertThat(mirror.decide(limit, System.nanoTime(), false, 1, SYNC, 0, false))
			.isEqualTo(BucketMirror.Decision.GRANTED);

		BucketMirror.Decision past = mirror.decide(limit, System.nanoTime(), false, 1, SYNC, 0, false);

		assertThat(past.outcome()).isNull();
		assertThat(past.leader()).as("the request runs its bucket's statement").isTrue();
	}

}
