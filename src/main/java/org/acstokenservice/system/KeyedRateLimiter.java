package org.acstokenservice.system;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * One token bucket per key (a user, an address), kept in memory of this instance. The
 * cache forgets a key once its bucket would be full again, so that memory stays bounded.
 */
public class KeyedRateLimiter {

	private static final long MAX_KEYS = 100_000;

	private final Bandwidth bandwidth;

	private final Cache<String, Bucket> buckets;

	/**
	 * @param capacity how many events a key may have in a burst
	 * @param period how long a full bucket takes to refill
	 */
	public KeyedRateLimiter(int capacity, Duration period) {
		if (capacity < 1 || period.isNegative() || period.isZero()) {
			throw new IllegalArgumentException("A rate limit needs a capacity of at least 1 and a positive period");
		}
		this.bandwidth = Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build();
		this.buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(period).build();
	}

	/**
	 * Takes one event from the key's bucket.
	 * @return empty when allowed; otherwise how long until the next event is allowed
	 */
	public Optional<Duration> tryAcquire(String key) {
		ConsumptionProbe probe = bucket(key).tryConsumeAndReturnRemaining(1);
		return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
	}

	private Bucket bucket(String key) {
		return this.buckets.get(key, (unused) -> Bucket.builder().addLimit(this.bandwidth).build());
	}

}
