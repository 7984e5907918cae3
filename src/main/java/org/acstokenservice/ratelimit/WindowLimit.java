package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A sliding window's shape: at most {@code calls} events in any {@code window}, for the
 * whole fleet. Unlike a token bucket, whose capacity and refill add up to nearly twice
 * its capacity within one period, a window admits an event only when fewer than
 * {@code calls} were admitted in the {@code window} before it, which is how a limit "per
 * 30 seconds" reads however its owner aligns the windows.
 *
 * @param calls how many events any window admits, at least 1
 * @param window how far back an event counts
 */
public record WindowLimit(int calls, Duration window) {

	/**
	 * The most events one window may hold: each is a row (PostgreSQL) or 8 bytes (memory)
	 * for as long as the limit is used. Ten times ACS's largest limit.
	 */
	public static final int MAX_CALLS = 10_000;

	public WindowLimit {
		Objects.requireNonNull(window, "window");
		if (calls < 1 || calls > MAX_CALLS) {
			throw new IllegalArgumentException("A window admits 1 to " + MAX_CALLS + " events, not " + calls);
		}
		if (window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("A window must be positive, not " + window);
		}
	}

}
