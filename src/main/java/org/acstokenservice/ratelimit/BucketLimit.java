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
	 * Of the capacity, the share an instance may grant on its own before it must hear
	 * from the database: a tenth, at least one.
	 */
	static final int LOCAL_SHARE_DIVISOR = 10;

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
	 * How many events an instance may grant without asking the database: the fleet's
	 * overshoot is at most this many per other instance.
	 */
	int localShare() {
		return (this.sharing == Sharing.EXACT) ? 0 : Math.max(1, this.capacity / LOCAL_SHARE_DIVISOR);
	}

	/** How the instances of a fleet share one bucket. */
	public enum Sharing {

		/**
		 * Each instance grants up to a tenth of the capacity (at least one event) on its
		 * own and tells the database in the background, in batches; beyond that share it
		 * asks the database before it grants. Refusals come from memory. With N instances
		 * a key gets at most {@code capacity + (N - 1) * capacity / 10} events in a burst
		 * (at least {@code N - 1} more), and no more than the refill rate in the long
		 * run: what an instance granted ahead is repaid before the bucket grants again.
		 */
		LOCAL_SHARE,

		/**
		 * As {@link #LOCAL_SHARE}, but beyond its share an instance refuses from memory
		 * until its next background synchronisation reports the bucket: no request ever
		 * waits for a statement. For keys that anyone can make up (a client's address
		 * before it signed in), so that a flood of them never takes the buckets' pool
		 * from signed-in users. A burst from one key within a synchronisation gets the
		 * local share, the rest of the capacity one share per synchronisation; the
		 * fleet's bound is that of {@link #LOCAL_SHARE}.
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
