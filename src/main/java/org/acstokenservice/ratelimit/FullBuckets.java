package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Which buckets the fleet last saw full, for the limits whose requests an instance may
 * grant from such a bucket without a statement ({@link BucketLimit#fullBucketReserve}):
 * the keys of the buckets that are not full, read in the background after each
 * synchronisation, only while requests use such a limit.
 */
final class FullBuckets {

	/**
	 * Most buckets not full that an instance keeps the keys of (a few MB); with more, no
	 * bucket counts as seen full.
	 */
	static final int MAX_NOT_FULL = 50_000;

	private final BucketTable table;

	private final Duration syncInterval;

	/** The buckets not full at the last read, and when it began; null before one. */
	private volatile @Nullable NotFull notFull;

	/**
	 * The limits whose buckets requests lately granted from as seen full, by name (which
	 * begins their keys), with when ({@link System#nanoTime()}) a request last asked.
	 */
	private final Map<String, Long> limitsUsed = new ConcurrentHashMap<>();

	FullBuckets(BucketTable table, Duration syncInterval) {
		this.table = table;
		this.syncInterval = syncInterval;
	}

	/**
	 * Whether the key's bucket was full when the fleet's buckets were last read, within
	 * two synchronisations: the database keeps a reserve for this instance's grant that
	 * long after such a bucket stops being full ({@link BucketTable}).
	 * @param used whether a new request asks, which keeps its limit's buckets read
	 */
	boolean seenFull(String key, boolean used) {
		if (used) {
			this.limitsUsed.put(key.substring(0, Math.max(0, key.indexOf(':'))), System.nanoTime());
		}
		NotFull last = this.notFull;
		return last != null && System.nanoTime() - last.readAt() < this.syncInterval.multipliedBy(2).toNanos()
				&& !last.keys().contains(key);
	}

	/**
	 * Reads which buckets are not full, of the limits that requests used within ten
	 * synchronisations; none when no request did. Called after the instance told its
	 * grants, so that it sees what it drained itself.
	 */
	void read() {
		long start = System.nanoTime();
		this.limitsUsed.values().removeIf((used) -> start - used > this.syncInterval.multipliedBy(10).toNanos());
		if (this.limitsUsed.isEmpty()) {
			this.notFull = null;
			return;
		}
		this.notFull = this.table.notFull(this.limitsUsed.keySet(), MAX_NOT_FULL)
			.map((keys) -> new NotFull(keys, start))
			.orElse(null);
	}

	/** The keys of the buckets not full, read as {@code readAt} began. */
	private record NotFull(Set<String> keys, long readAt) {
	}

}
