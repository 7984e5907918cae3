package org.acstokenservice.fleet;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.LocalBucketBuilder;

/**
 * Token buckets in this instance's memory, for a single instance (local mode). A key is
 * forgotten once its bucket would be full again, so that memory stays bounded and nothing
 * is forgiven early.
 */
public class InMemoryBucketStore implements BucketStore {

	private static final long MAX_KEYS = 100_000;

	private final Cache<String, Entry> buckets = Caffeine.newBuilder()
		.maximumSize(MAX_KEYS)
		.expireAfter(new UntilFull())
		.build();

	@Override
	public Optional<Duration> tryConsume(String key, BucketConfiguration configuration) {
		Entry entry = this.buckets.get(key, (unused) -> new Entry(newBucket(configuration), timeToFill(configuration)));
		ConsumptionProbe probe = entry.bucket().tryConsumeAndReturnRemaining(1);
		return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
	}

	private static Bucket newBucket(BucketConfiguration configuration) {
		LocalBucketBuilder builder = Bucket.builder();
		for (Bandwidth bandwidth : configuration.getBandwidths()) {
			builder.addLimit(bandwidth);
		}
		return builder.build();
	}

	/** How long an empty bucket takes to fill up again: the slowest of its limits. */
	static Duration timeToFill(BucketConfiguration configuration) {
		long nanos = 0;
		for (Bandwidth bandwidth : configuration.getBandwidths()) {
			long refills = (bandwidth.getCapacity() + bandwidth.getRefillTokens() - 1) / bandwidth.getRefillTokens();
			long fill = bandwidth.getRefillPeriodNanos() * refills;
			nanos = Math.max(nanos, fill);
		}
		return Duration.ofNanos(nanos);
	}

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
