package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/**
 * This instance's view of one shared bucket: the tokens the database last reported and
 * what this instance granted or asked for since; it decides each request from memory or
 * says which statement the request must wait for. Guarded by its own monitor, which is
 * never held while a statement runs.
 */
final class BucketMirror {

	final String key;

	BucketLimit limit;

	/** The bucket's tokens at {@link #syncedAt}, as the database last reported. */
	double tokens;

	/** {@link System#nanoTime()} of the last report. */
	long syncedAt;

	/** Whether {@link #tokens} came from the database: an exact bucket needs it. */
	boolean known;

	/** Shared bucket: granted here, not yet sent. */
	int unsynced;

	/** Shared bucket: sent in the statement in flight. */
	int sending;

	/** Exact bucket: requests waiting to be granted by the next statement. */
	int wanted;

	/** Exact bucket: asked for in the statement in flight. */
	int asking;

	/**
	 * Exact bucket: tokens the database granted to this instance, not yet handed out.
	 */
	int granted;

	/** Exact bucket: requests that asked the database and wait for a token. */
	int waiting;

	/**
	 * What the requests of an exact bucket must leave to the instances that may grant
	 * from it as they last saw it full: see {@link BucketLimit#fullBucketReserve}.
	 */
	int reserve;

	/**
	 * Whether this instance granted from the bucket as it last saw it full, since the
	 * mirror last saw it full.
	 */
	boolean grantedWhenFull;

	/** The statement in flight for this bucket, if any. */
	@Nullable CompletableFuture<Void> sync;

	/** Evicted: requests fetch a new mirror. */
	boolean retired;

	/**
	 * Whether the database grants each event: an exact limit, or one whose local share
	 * was zero when the mirror was made (many instances, a small capacity).
	 */
	final boolean exact;

	BucketMirror(String key, BucketLimit limit) {
		this(key, limit, limit.sharing() == BucketLimit.Sharing.EXACT);
	}

	BucketMirror(String key, BucketLimit limit, boolean exact) {
		this.key = key;
		this.limit = limit;
		this.exact = exact;
		// A bucket the database has not reported yet is full, as a new one is.
		this.tokens = limit.capacity();
		this.syncedAt = System.nanoTime();
	}

	/**
	 * Tokens left as this instance sees them: the report, refilled, less its grants.
	 */
	double available(long now) {
		double refilled = Math.min(this.limit.capacity(),
				this.tokens + (now - this.syncedAt) * this.limit.refillPerNano());
		return refilled - this.unsynced - this.sending;
	}

	/**
	 * Decides one request from the mirror.
	 * @param asked whether the request has asked the database for a token of an exact
	 * bucket already, and still waits for it
	 * @param share how many events this instance may grant without the database, one at
	 * least unless the mirror is exact
	 * @param syncInterval how long a {@link BucketLimit.Sharing#BACKGROUND} bucket past
	 * its share is refused at most
	 * @param reserve see {@link BucketLimit#fullBucketReserve}
	 * @param seenFull whether the fleet's buckets were last read with this one full
	 */
	Decision decide(BucketLimit limit, long now, boolean asked, int share, Duration syncInterval, int reserve,
			boolean seenFull) {
		this.limit = limit;
		this.reserve = reserve;
		if (this.exact) {
			return decideExact(now, asked, reserve > 0 && seenFull);
		}
		double available = available(now);
		if (available < 1) {
			return Decision.refused(wait(available));
		}
		if (this.unsynced + this.sending < share) {
			this.unsynced++;
			return Decision.GRANTED;
		}
		if (limit.sharing() == BucketLimit.Sharing.BACKGROUND) {
			// Until the background synchronisation says what the fleet left.
			return Decision.refused(syncInterval);
		}
		return syncFor(false);
	}

	/**
	 * The database grants an exact bucket's tokens; the tokens it granted this instance
	 * go to the requests that asked first, then to any. A bucket last seen full grants
	 * one event on its own, told in the background: the database kept it.
	 */
	private Decision decideExact(long now, boolean asked, boolean seenFull) {
		if (this.granted > (asked ? 0 : this.waiting)) {
			this.granted--;
			if (asked) {
				this.waiting--;
			}
			return Decision.GRANTED;
		}
		boolean full = this.unsynced + this.sending == 0 && (!this.known || available(now) >= this.limit.capacity());
		if (full) {
			this.grantedWhenFull = false;
		}
		if (!asked && seenFull && full) {
			this.grantedWhenFull = true;
			this.unsynced++;
			return Decision.GRANTED;
		}
		if (asked && (this.sync != null || this.wanted > 0)) {
			// This request's question is still on its way.
			return syncFor(true);
		}
		if (asked) {
			// Answered, and none was left for it: decide afresh.
			this.waiting--;
		}
		double available = available(now);
		if (this.known && available < 1) {
			return Decision.refused(wait(available));
		}
		this.wanted++;
		this.waiting++;
		return syncFor(true);
	}

	private Duration wait(double available) {
		return Duration.ofNanos((long) Math.ceil((1 - available) / this.limit.refillPerNano()));
	}

	/** Joins the statement in flight, or starts one that the request runs itself. */
	private Decision syncFor(boolean asked) {
		if (this.sync != null) {
			return new Decision(null, this.sync, false, asked);
		}
		CompletableFuture<Void> sync = new CompletableFuture<>();
		startSync(sync);
		return new Decision(null, sync, true, asked);
	}

	void startSync(CompletableFuture<Void> sync) {
		this.sync = sync;
		this.sending += this.unsynced;
		this.unsynced = 0;
		this.asking = this.wanted;
		this.wanted = 0;
	}

	/** Whether the mirror owes the database nothing and no request waits on it. */
	boolean idle() {
		return this.sync == null && this.unsynced == 0 && this.sending == 0 && this.wanted == 0 && this.waiting == 0
				&& this.granted == 0;
	}

	/** What the statement in flight tells the database and asks of it. */
	BucketRequest request() {
		return new BucketRequest(this.key, this.sending, this.exact ? this.asking : 0, this.limit, this.reserve,
				!this.grantedWhenFull);
	}

	@Nullable CompletableFuture<Void> synced(BucketTable.Result result, long now) {
		this.tokens = result.tokens();
		this.syncedAt = now;
		this.known = true;
		this.sending = 0;
		this.granted += this.exact ? result.granted() : 0;
		this.asking = 0;
		CompletableFuture<Void> sync = this.sync;
		this.sync = null;
		return sync;
	}

	@Nullable CompletableFuture<Void> failed() {
		// Grants here are still to be told; what was asked for is not granted.
		this.unsynced += this.sending;
		this.sending = 0;
		this.asking = 0;
		CompletableFuture<Void> sync = this.sync;
		this.sync = null;
		return sync;
	}

	/**
	 * What a request does next: an outcome (empty when granted, else how long to wait),
	 * or wait for a statement, which it runs itself when it is the leader.
	 */
	record Decision(@Nullable Optional<Duration> outcome, @Nullable CompletableFuture<Void> sync, boolean leader,
			boolean asked) {

		static final Decision GRANTED = new Decision(Optional.empty(), null, false, false);

		static Decision refused(Duration wait) {
			return new Decision(Optional.of(wait), null, false, false);
		}

	}

	/**
	 * Keeps a mirror while its bucket may still refuse or has grants to tell: until it
	 * would be full again, and a few synchronisations at least.
	 */
	static final class UntilRefilled implements Expiry<String, BucketMirror> {

		private final long atLeast;

		UntilRefilled(Duration syncInterval) {
			this.atLeast = syncInterval.multipliedBy(5).toNanos();
		}

		@Override
		public long expireAfterCreate(String key, BucketMirror mirror, long currentTime) {
			return Math.max(this.atLeast, mirror.limit.period().toNanos());
		}

		@Override
		public long expireAfterUpdate(String key, BucketMirror mirror, long currentTime, long currentDuration) {
			return currentDuration;
		}

		@Override
		public long expireAfterRead(String key, BucketMirror mirror, long currentTime, long currentDuration) {
			return Math.max(this.atLeast, mirror.limit.period().toNanos());
		}

	}

}
