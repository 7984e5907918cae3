package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket's shape: {@code capacity} events in a burst, refilled evenly over
 * {@code period} (a greedy refill: a token comes back every {@code period / capacity}),
 * and how far the instances of a fleet may run ahead of each other on it.
 *
 * @param capacity how many events a key may have in a burst, at least 1
 * @param period how long an empty bucket takes to fill up again
 * @param sharing how exactly the fleet shares the bucket
 */
public record BucketLimit(int capacity, Duration period, Sharing sharing) {

	/**
	 * Of the capacity, what the whole fleet may grant beyond it: a tenth, split between
	 * the instances alive.
	 */
	static final int OVERSHOOT_DIVISOR = 10;

	public BucketLimit {
		Objects.requireNonNull(period, "period");
		Objects.requireNonNull(sharing, "sharing");
		if (capacity < 1 || period.isNegative() || period.isZero()) {
			throw new IllegalArgumentException("A bucket needs a capacity of at least 1 and a positive period");
		}
	}

	/** A limit that instances share loosely: see {@link Sharing#LOCAL_SHARE}. */
	public static BucketLimit shared(int capacity, Duration period) {
		return new BucketLimit(capacity, period, Sharing.LOCAL_SHARE);
	}

	/**
	 * A limit that instances share loosely and never wait for: see
	 * {@link Sharing#BACKGROUND}.
	 */
	public static BucketLimit background(int capacity, Duration period) {
		return new BucketLimit(capacity, period, Sharing.BACKGROUND);
	}

	/** A limit that instances share exactly: see {@link Sharing#EXACT}. */
	public static BucketLimit exact(int capacity, Duration period) {
		return new BucketLimit(capacity, period, Sharing.EXACT);
	}

	/** Tokens that come back per nanosecond. */
	double refillPerNano() {
		return (double) this.capacity / this.period.toNanos();
	}

	/**
	 * How many events an instance may grant without asking the database when
	 * {@code instances} are alive: a tenth of the capacity split between them, so that
	 * all of them together run ahead by a tenth at most. Zero when that is less than one
	 * event: the bucket is then shared exactly, except a {@link Sharing#BACKGROUND} one,
	 * whose share is one at least, since no request may wait for the database on its
	 * behalf.
	 */
	int localShare(int instances) {
		if (this.sharing == Sharing.EXACT) {
			return 0;
		}
		int share = this.capacity / (OVERSHOOT_DIVISOR * Math.max(1, instances));
		return (this.sharing == Sharing.BACKGROUND) ? Math.max(1, share) : share;
	}

	/**
	 * How many events the instances may grant between them, one each, from a bucket they
	 * last saw full, without asking the database: a {@link Sharing#LOCAL_SHARE} limit
	 * whose local share is zero and whose capacity is at least twice the instances. The
	 * database keeps that many for them while they may not have heard that it is no
	 * longer full. Zero for any other limit.
	 */
	int fullBucketReserve(int instances) {
		int alive = Math.max(1, instances);
		boolean eligible = this.sharing == Sharing.LOCAL_SHARE && localShare(alive) == 0 && this.capacity >= 2 * alive;
		return eligible ? alive : 0;
	}

	/** How the instances of a fleet share one bucket. */
	public enum Sharing {

		/**
		 * Each of N instances grants up to {@code capacity / (10 * N)} events on its own
		 * and tells the database in the background, in batches; beyond that share it asks
		 * the database before it grants (when the share is zero, for every event, as
		 * {@link #EXACT} does, but the first on each instance of a bucket that the fleet
		 * last saw full: see {@link #fullBucketReserve}). Refusals come from memory. A
		 * key gets at most {@code capacity + capacity / 10} events in a burst, a crash's
		 * untold share included, and no more than the refill rate in the long run: what
		 * an instance granted ahead is repaid before the bucket grants again.
		 */
		LOCAL_SHARE,

		/**
		 * As {@link #LOCAL_SHARE}, but beyond its share an instance refuses from memory
		 * until its next background synchronisation reports the bucket: no request ever
		 * waits for a statement. For keys that anyone can make up (a client's address
		 * before it signed in), so that a flood of them never takes the buckets' pool
		 * from signed-in users. A burst from one key within a synchronisation gets the
		 * local share, the rest of the capacity one share per synchronisation. Its share
		 * is one at least, so with N instances a key gets at most
		 * {@code capacity + max(capacity / 10, N)} in a burst.
		 */
		BACKGROUND,

		/**
		 * Each event is granted by the database, so the fleet never grants more than the
		 * capacity; concurrent requests of one instance for the key are granted in one
		 * call. Refusals come from memory.
		 */
		EXACT

	}

}
