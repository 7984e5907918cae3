package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Token buckets in this instance's memory (Bucket4j's local buckets), for a single
 * instance (local mode), where every limit is exact. A key is forgotten once its bucket
 * would be full again, so that memory stays bounded and nothing is forgiven early.
 */
public class InMemoryBucketStore implements BucketStore {

	private static final long MAX_KEYS = 100_000;

	private final Cache<String, Entry> buckets = Caffeine.newBuilder()
		.maximumSize(MAX_KEYS)
		.expireAfter(new UntilFull())
		.build();

	@Override
	public Optional<Duration> tryConsume(String key, BucketLimit limit) {
		Entry entry = this.buckets.get(key, (unused) -> new Entry(newBucket(limit), limit.period()));
		ConsumptionProbe probe = entry.bucket().tryConsumeAndReturnRemaining(1);
		return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
	}

	private static Bucket newBucket(BucketLimit limit) {
		return Bucket.builder()
			.addLimit(Bandwidth.builder()
				.capacity(limit.capacity())
				.refillGreedy(limit.capacity(), limit.period())
				.build())
			.build();
	}

	/**
	 * @param timeToFill how long the bucket takes to fill up from empty: its period
	 */
	private record Entry(Bucket bucket, Duration timeToFill) {
	}

	private static final class UntilFull implements Expiry<String, Entry> {

		@Override
		public long expireAfterCreate(String key, Entry entry, long currentTime) {
			return entry.timeToFill().toNanos();
		}

		@Override
		public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
			return entry.timeToFill().toNanos();
		}

		@Override
		public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
			return entry.timeToFill().toNanos();
		}

	}

}
