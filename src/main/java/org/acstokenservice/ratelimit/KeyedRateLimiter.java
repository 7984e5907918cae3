package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;

/**
 * One token bucket per key (a user, an address) in the {@link BucketStore}: shared by the
 * fleet on PostgreSQL, so that a user gets the allowance once (within the bound of
 * {@link BucketLimit.Sharing#LOCAL_SHARE}) however many instances their requests reach.
 */
public class KeyedRateLimiter {

	private final BucketStore store;

	private final String name;

	private final BucketLimit limit;

	/**
	 * @param store where the buckets live
	 * @param name the limit's name, which keeps its keys apart from other limits' keys
	 * @param capacity how many events a key may have in a burst
	 * @param period how long a full bucket takes to refill
	 */
	public KeyedRateLimiter(BucketStore store, String name, int capacity, Duration period) {
		this(store, name, BucketLimit.shared(capacity, period));
	}

	/**
	 * @param store where the buckets live
	 * @param name the limit's name, which keeps its keys apart from other limits' keys
	 * @param limit each key's bucket, and how the fleet shares it
	 */
	public KeyedRateLimiter(BucketStore store, String name, BucketLimit limit) {
		this.store = store;
		this.name = name;
		this.limit = limit;
	}

	/**
	 * Takes one event from the key's bucket.
	 * @return empty when allowed; otherwise how long until the next event is allowed
	 * @throws org.springframework.dao.DataAccessResourceFailureException when the shared
	 * buckets must be asked and cannot be reached
	 */
	public Optional<Duration> tryAcquire(String key) {
		return this.store.tryConsume(this.name + ':' + key, this.limit);
	}

}
