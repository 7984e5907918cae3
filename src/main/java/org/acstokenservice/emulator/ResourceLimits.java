package org.acstokenservice.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throttling of one ACS resource: ACS limits each resource (each access key's
 * resource), not each client, so every application that signs with the key shares these
 * allowances. An emulator serves one resource and so has one; reached through
 * {@link AcsEmulator#limits()}.
 * <p>
 * The window slides: a call is admitted when fewer than the limit's number of calls were
 * admitted in the window before it (30 seconds unless configured), and refused with 429
 * otherwise. A refused call does not count against the limit, so {@code Retry-After} (the
 * time until the oldest admitted call leaves the window) is exact for a caller alone on
 * the resource. A sliding window is the strictest reading of ACS's "per 30 seconds": an
 * application that stays within it stays within ACS's documented limits, however ACS
 * aligns its windows.
 * <p>
 * Each limit keeps the times of its last admitted calls in a ring (limit &times; 8 bytes)
 * behind a lock held for a few comparisons; refusals are also counted per second, for
 * {@link Usage#throttledInWindow()}. Time is the emulator's {@link Clock}, so tests move
 * it rather than sleep. Thread-safe.
 */
public final class ResourceLimits {

	private static final Logger logger = LoggerFactory.getLogger(ResourceLimits.class);

	private final LimitSettings settings;

	private final Clock clock;

	/** By ordinal; none when throttling is off. */
	private final Window[] windows;

	ResourceLimits(LimitSettings settings, Clock clock) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.windows = new Window[settings.enabled() ? AcsLimit.values().length : 0];
		for (int i = 0; i < this.windows.length; i++) {
			AcsLimit limit = AcsLimit.values()[i];
			this.windows[i] = new Window(limit, settings.perWindow(limit), settings.window().toMillis());
		}
	}

	/**
	 * What this resource's limits are.
	 * @return the settings it was started with
	 */
	public LimitSettings settings() {
		return this.settings;
	}

	/**
	 * Counts one call now, or refuses it.
	 * @return 0 if admitted (and counted), otherwise the milliseconds until this limit
	 * admits a call again
	 */
	long admit(AcsLimit limit) {
		if (!this.settings.enabled()) {
			return 0;
		}
		return this.windows[limit.ordinal()].admit(this.clock.millis());
	}

	/**
	 * Counts calls that another application made on this resource just now, as ACS would:
	 * those within the allowance left are counted, the rest were refused (and count as
	 * 429s answered).
	 * @param limit whose allowance
	 * @param calls how many, at least 1
	 * @return how many were counted; {@code calls} minus that were refused
	 * @throws IllegalStateException if throttling is off: there is no allowance to spend
	 */
	public int spend(AcsLimit limit, int calls) {
		Objects.requireNonNull(limit, "limit");
		if (calls < 1) {
			throw new IllegalArgumentException("calls must be at least 1, not " + calls);
		}
		if (!this.settings.enabled()) {
			throw new IllegalStateException("The emulator's limits are off: there is no allowance to spend");
		}
		return this.windows[limit.ordinal()].spend(this.clock.millis(), calls);
	}

	/**
	 * Where one limit stands now.
	 * @param limit which one
	 * @return its usage; all zero when throttling is off
	 */
	public Usage usage(AcsLimit limit) {
		long now = this.clock.millis();
		if (!this.settings.enabled()) {
			Instant instant = Instant.ofEpochMilli(now);
			return new Usage(limit, this.settings.perWindow(limit), instant.minus(this.settings.window()), instant, 0,
					0, 0, 0, Duration.ZERO);
		}
		return this.windows[limit.ordinal()].usage(now);
	}

	/**
	 * Where every limit stands now.
	 * @return one entry per {@link AcsLimit}, in their order
	 */
	public Map<AcsLimit, Usage> usage() {
		Map<AcsLimit, Usage> usage = new EnumMap<>(AcsLimit.class);
		for (AcsLimit limit : AcsLimit.values()) {
			usage.put(limit, usage(limit));
		}
		return Collections.unmodifiableMap(usage);
	}

	/** Forgets every call and refusal, as if the resource were new: for tests. */
	public void reset() {
		for (Window window : this.windows) {
			window.reset();
		}
	}

	/**
	 * Where a limit stands at a moment.
	 *
	 * @param limit which limit
	 * @param perWindow the calls the window admits
	 * @param windowStart the start of the window that ends now (it slides)
	 * @param windowEnd now
	 * @param callsInWindow calls counted in the window, spent ones included
	 * @param throttledInWindow 429s answered in the window, to the second
	 * @param totalCalls calls counted since start or the last {@link #reset()}
	 * @param totalThrottled 429s answered since start or the last {@link #reset()}
	 * @param retryAfter how long until a call would be admitted; zero if now
	 */
	public record Usage(AcsLimit limit, int perWindow, Instant windowStart, Instant windowEnd, int callsInWindow,
			long throttledInWindow, long totalCalls, long totalThrottled, Duration retryAfter) {

		/**
		 * How many calls the window admits now.
		 * @return {@code perWindow - callsInWindow}, at least 0
		 */
		public int remaining() {
			return Math.max(0, this.perWindow - this.callsInWindow);
		}

	}

	/** One limit's sliding window. */
	private static final class Window {

		private final AcsLimit limit;

		private final long windowMillis;

		/** The times of the last admitted calls, oldest at {@code next} once full. */
		private final long[] admitted;

		private int next;

		private int size;

		/** 429s per second of the clock, in a ring that spans the window. */
		private final long[] throttledSecond;

		private final long[] throttledCount;

		private long totalCalls;

		private long totalThrottled;

		/** Until when a refusal is not logged again: one line per window, not per 429. */
		private long quietUntil = Long.MIN_VALUE;

		Window(AcsLimit limit, int perWindow, long windowMillis) {
			this.limit = limit;
			this.windowMillis = windowMillis;
			this.admitted = new long[perWindow];
			int seconds = (int) (windowMillis / 1000) + 1;
			this.throttledSecond = new long[seconds];
			this.throttledCount = new long[seconds];
			Arrays.fill(this.throttledSecond, Long.MIN_VALUE);
		}

		synchronized long admit(long now) {
			long wait = waitMillis(now);
			if (wait == 0) {
				count(now);
				return 0;
			}
			throttled(now, 1);
			if (now >= this.quietUntil) {
				this.quietUntil = now + this.windowMillis;
				logger.info(
						"ACS emulator: the {} limit ({} per {} s) is reached; calls get 429 as at ACS "
								+ "(the next is admitted in {} ms)",
						this.limit.propertyName(), this.admitted.length, this.windowMillis / 1000, wait);
			}
			return wait;
		}

		synchronized int spend(long now, int calls) {
			int counted = 0;
			while (counted < calls && waitMillis(now) == 0) {
				count(now);
				counted++;
			}
			if (counted < calls) {
				throttled(now, calls - counted);
			}
			return counted;
		}

		synchronized Usage usage(long now) {
			long from = now - this.windowMillis;
			int inWindow = 0;
			for (int i = 0; i < this.size; i++) {
				if (this.admitted[i] > from) {
					inWindow++;
				}
			}
			long firstSecond = Math.floorDiv(from, 1000);
			long lastSecond = Math.floorDiv(now, 1000);
			long throttledInWindow = 0;
			for (int i = 0; i < this.throttledSecond.length; i++) {
				if (this.throttledSecond[i] >= firstSecond && this.throttledSecond[i] <= lastSecond) {
					throttledInWindow += this.throttledCount[i];
				}
			}
			return new Usage(this.limit, this.admitted.length, Instant.ofEpochMilli(from), Instant.ofEpochMilli(now),
					inWindow, throttledInWindow, this.totalCalls, this.totalThrottled,
					Duration.ofMillis(waitMillis(now)));
		}

		synchronized void reset() {
			this.next = 0;
			this.size = 0;
			Arrays.fill(this.throttledSecond, Long.MIN_VALUE);
			Arrays.fill(this.throttledCount, 0);
			this.totalCalls = 0;
			this.totalThrottled = 0;
			this.quietUntil = Long.MIN_VALUE;
		}

		/**
		 * 0 while fewer than the limit's calls were admitted in the window; otherwise
		 * until the oldest of them leaves it.
		 */
		private long waitMillis(long now) {
			if (this.size < this.admitted.length) {
				return 0;
			}
			long free = this.admitted[this.next] + this.windowMillis;
			return Math.max(0, free - now);
		}

		private void count(long now) {
			this.admitted[this.next] = now;
			this.next = (this.next + 1) % this.admitted.length;
			if (this.size < this.admitted.length) {
				this.size++;
			}
			this.totalCalls++;
		}

		private void throttled(long now, int calls) {
			long second = Math.floorDiv(now, 1000);
			int slot = (int) Math.floorMod(second, this.throttledSecond.length);
			if (this.throttledSecond[slot] != second) {
				this.throttledSecond[slot] = second;
				this.throttledCount[slot] = 0;
			}
			this.throttledCount[slot] += calls;
			this.totalThrottled += calls;
		}

	}

}
