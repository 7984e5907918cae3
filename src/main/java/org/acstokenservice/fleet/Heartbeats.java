package org.acstokenservice.fleet;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.jspecify.annotations.Nullable;

/**
 * The change feed's heartbeats sent and not yet heard back, by sequence number: when each
 * was sent. One that has been out longer than the feed's maximum delay could no longer
 * make the feed trusted if it came back, so it is dropped: the map holds at most
 * {@code maxDelay / heartbeat} entries however long heartbeats stay lost (behind a pooler
 * that drops {@code NOTIFY}, say).
 */
final class Heartbeats {

	private final ConcurrentSkipListMap<Long, Long> outstanding = new ConcurrentSkipListMap<>();

	private final long maxDelayNanos;

	Heartbeats(long maxDelayNanos) {
		this.maxDelayNanos = maxDelayNanos;
	}

	/**
	 * A heartbeat is sent now; those out for longer than the maximum delay go. Safe while
	 * the listening thread hears heartbeats back or clears them.
	 */
	void sent(long sequence, long nanoTime) {
		this.outstanding.put(sequence, nanoTime);
		Map.Entry<Long, Long> oldest = this.outstanding.firstEntry();
		while (oldest != null && nanoTime - oldest.getValue() > this.maxDelayNanos) {
			this.outstanding.remove(oldest.getKey(), oldest.getValue());
			oldest = this.outstanding.firstEntry();
		}
	}

	/**
	 * A heartbeat came back; earlier ones that never did are superseded.
	 * @return when it was sent, or {@code null} when it is not outstanding any more
	 */
	@Nullable Long heardBack(long sequence) {
		Long sentAt = this.outstanding.remove(sequence);
		if (sentAt != null) {
			this.outstanding.headMap(sequence).clear();
		}
		return sentAt;
	}

	void clear() {
		this.outstanding.clear();
	}

	int size() {
		return this.outstanding.size();
	}

}
