package org.acstokenservice.ratelimit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.acstokenservice.ratelimit.BucketTable.Result;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Tells the database what mirrors granted and brings back what their buckets hold: one
 * bucket's statement for the request that leads it, or the background round, a batch of
 * buckets per statement, with the grants of mirrors that left memory
 * ({@link OrphanedGrants}). The deciding from memory is {@link PostgreSqlBucketStore}'s.
 */
final class MirrorSync {

	/** Most buckets in one statement of a batch. */
	static final int MAX_BATCH = 500;

	/** Most leaders' statements that wait for a thread (the pool's connections). */
	static final int MAX_QUEUED = 1_000;

	private final BucketTable table;

	private final OrphanedGrants orphans;

	/** Runs the leaders' statements, one thread per connection of the buckets' pool. */
	private final ThreadPoolExecutor leaders;

	MirrorSync(BucketTable table, OrphanedGrants orphans, int connections) {
		this.table = table;
		this.orphans = orphans;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("fleet-bucket-leaders-");
		threads.setDaemon(true);
		this.leaders = new ThreadPoolExecutor(connections, connections, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(MAX_QUEUED), threads);
	}

	/**
	 * One round: tells the database what every mirror granted since its last statement.
	 * Signed-in users' buckets go first, so that the made-up keys of a flood
	 * ({@link BucketLimit.Sharing#BACKGROUND}) wait behind them and not the other way
	 * round. The round stops at the first batch that fails: the database is out of reach
	 * or too slow, and every further batch would only wait as long.
	 * @throws DataAccessException when a batch failed; its grants and those of the
	 * batches after it stay to be told
	 */
	void round(Collection<BucketMirror> mirrors) {
		List<BucketMirror> candidates = new ArrayList<>();
		List<BucketMirror> background = new ArrayList<>();
		for (BucketMirror mirror : mirrors) {
			synchronized (mirror) {
				if (!mirror.retired && mirror.sync == null && mirror.unsynced > 0) {
					(mirror.limit.sharing() == BucketLimit.Sharing.BACKGROUND ? background : candidates).add(mirror);
				}
			}
		}
		candidates.addAll(background);
		List<BucketRequest> orphans = this.orphans.drain();
		for (int from = 0; from < Math.max(candidates.size(), orphans.size()); from += MAX_BATCH) {
			CompletableFuture<Void> sync = new CompletableFuture<>();
			List<BucketMirror> part = new ArrayList<>();
			for (BucketMirror mirror : candidates.subList(Math.min(from, candidates.size()),
					Math.min(from + MAX_BATCH, candidates.size()))) {
				synchronized (mirror) {
					if (!mirror.retired && mirror.sync == null && mirror.unsynced > 0) {
						mirror.startSync(sync);
						part.add(mirror);
					}
				}
			}
			try {
				run(part, orphans.subList(Math.min(from, orphans.size()), Math.min(from + MAX_BATCH, orphans.size())));
			}
			catch (DataAccessException ex) {
				this.orphans.putBack(orphans.subList(Math.min(from, orphans.size()), orphans.size()));
				throw ex;
			}
		}
	}

	/**
	 * One bucket's statement for the request that leads it, on a thread of its own, so
	 * that the request waits for it no longer than any request waits for a statement: a
	 * statement that outlasts the wait ends in the background and completes the mirror.
	 */
	void lead(BucketMirror mirror, CompletableFuture<Void> sync) {
		try {
			this.leaders.execute(() -> one(mirror, sync));
		}
		catch (RejectedExecutionException ex) {
			failed(List.of(mirror), new PessimisticLockingFailureException("Too many bucket statements wait", ex));
		}
	}

	/** No further leader's statement starts. */
	void stop() {
		this.leaders.shutdownNow();
	}

	/** One bucket's statement. */
	void one(BucketMirror mirror, CompletableFuture<Void> sync) {
		try {
			run(List.of(mirror), List.of());
			sync.complete(null);
		}
		catch (RuntimeException ex) {
			sync.completeExceptionally(ex);
		}
	}

	/**
	 * A mirror left memory: what it granted and did not tell waits for the next round.
	 */
	void retire(String key, BucketMirror mirror) {
		synchronized (mirror) {
			mirror.retired = true;
			this.orphans.add(key, mirror.unsynced, mirror.limit);
		}
	}

	/**
	 * Runs one statement batch for the mirrors, whose syncs are started, and for evicted
	 * mirrors' grants; completes or fails each mirror's sync.
	 */
	private void run(List<BucketMirror> mirrors, List<BucketRequest> orphans) {
		List<BucketRequest> requests = new ArrayList<>(mirrors.size() + orphans.size());
		for (BucketMirror mirror : mirrors) {
			synchronized (mirror) {
				requests.add(mirror.request());
			}
		}
		requests.addAll(orphans);
		Map<String, Result> results;
		try {
			results = this.table.take(requests);
		}
		catch (DataAccessException ex) {
			failed(mirrors, ex);
			throw ex;
		}
		long now = System.nanoTime();
		for (BucketMirror mirror : mirrors) {
			synchronized (mirror) {
				Result result = results.get(mirror.key);
				CompletableFuture<Void> sync = (result != null) ? mirror.synced(result, now) : mirror.failed();
				if (sync != null) {
					sync.complete(null);
				}
			}
		}
	}

	/**
	 * The mirrors' statement failed, or never ran: what they granted stays to be told.
	 */
	private void failed(List<BucketMirror> mirrors, DataAccessException ex) {
		for (BucketMirror mirror : mirrors) {
			synchronized (mirror) {
				CompletableFuture<Void> sync = mirror.failed();
				if (mirror.retired) {
					this.orphans.add(mirror.key, mirror.unsynced, mirror.limit);
					mirror.unsynced = 0;
				}
				if (sync != null) {
					sync.completeExceptionally(ex);
				}
			}
		}
	}

}
