package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Sliding windows in this instance's memory, for a single instance (local mode): each key
 * keeps the times of its last {@code calls} admitted events in a ring. A key unused for a
 * day is forgotten; keys are made in code from the ACS resources and operations, so there
 * are a few dozen.
 */
public class InMemoryWindowStore implements WindowStore {

	private final Cache<String, Ring> rings = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofDays(1))
		.build();

	private final LongSupplier nanoTime;

	public InMemoryWindowStore() {
		this(System::nanoTime);
	}

	InMemoryWindowStore(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
	}

	@Override
	public Optional<Duration> tryAdmit(String key, WindowLimit limit) {
		Ring ring = this.rings.get(key, (unused) -> new Ring());
		long wait = ring.admit(this.nanoTime.getAsLong(), limit.calls(), limit.window().toNanos());
		return (wait == 0) ? Optional.empty() : Optional.of(Duration.ofNanos(wait));
	}

	/** The times of a key's last admitted events, oldest first from {@code next}. */
	private static final class Ring {

		private long[] times = new long[0];

		/** Where the oldest time is, and the next one goes. */
		private int next;

		/** Events counted, up to the ring's length: slots beyond were never used. */
		private int used;

		/**
		 * @return 0 if admitted, otherwise the nanoseconds until an event would be
		 */
		synchronized long admit(long now, int calls, long window) {
			if (this.times.length != calls) {
				resize(calls);
			}
			if (this.used == calls) {
				long frees = this.times[this.next] + window;
				if (frees - now > 0) {
					return frees - now;
				}
			}
			else {
				this.used++;
			}
			this.times[this.next] = now;
			this.next = (this.next + 1) % calls;
			return 0;
		}

		/** A changed limit keeps the newest times that fit, oldest first. */
		private void resize(int calls) {
			long[] resized = new long[calls];
			int kept = Math.min(this.used, calls);
			for (int i = 0; i < kept; i++) {
				int from = Math.floorMod(this.next - kept + i, Math.max(1, this.times.length));
				resized[i] = this.times[from];
			}
			this.times = resized;
			this.used = kept;
			this.next = kept % calls;
		}

	}

}
