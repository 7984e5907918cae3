package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.fleet.DatabaseBudget;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Token buckets that every instance shares through PostgreSQL
 * ({@code rate_limit_bucket}), without a database round trip on the common request.
 * <p>
 * Each instance keeps a mirror of the buckets it uses: the tokens the database last
 * reported and what this instance granted since. A request is decided from the mirror:
 * <ul>
 * <li>a bucket that the mirror shows empty is refused from memory, since other instances
 * can only have taken more;</li>
 * <li>a {@link BucketLimit.Sharing#LOCAL_SHARE} bucket grants up to its local share on
 * its own; every {@code syncInterval} one statement batch tells the database what each
 * bucket granted and brings back its tokens; a request beyond the share waits for its
 * bucket's synchronisation instead;</li>
 * <li>a {@link BucketLimit.Sharing#BACKGROUND} bucket, a key that anyone can make up,
 * grants its local share likewise, and beyond it is refused from memory until the
 * background synchronisation reports it: no request thread runs its statement;</li>
 * <li>an {@link BucketLimit.Sharing#EXACT} bucket takes every token from the database,
 * for all of this instance's waiting requests at once.</li>
 * </ul>
 * At most one statement per bucket is in flight per instance. Refill is computed by the
 * database on its own clock, so instances whose clocks differ still share one allowance.
 * The statements run on a small pool of their own with short lock and statement
 * time-outs: a bucket that cannot be locked quickly counts as a refusal ("limited"), not
 * as a failure, and no flood can tie up the pool that token requests use.
 */
class PostgreSqlBucketStore implements BucketStore, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PostgreSqlBucketStore.class);

	/** How long a request waits at most for its bucket's statement. */
	static final Duration MAX_WAIT = Duration.ofMillis(1500);

	/** What a request is told when its bucket's statement did not come back in time. */
	static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

	/** Most buckets an instance mirrors; the least recently used go first. */
	private static final long MAX_MIRRORS = 200_000;

	/** Most evicted buckets whose grants wait for the database (a few MB). */
	static final int MAX_ORPHANS = 50_000;

	/**
	 * Beyond two synchronisations, how long a statement that drains a bucket may take to
	 * commit: its lock wait and two statements' time-outs, rounded up.
	 */
	private static final Duration COMMIT_LAG = Duration.ofSeconds(3);

	private final BucketTable table;

	private final DataSource dataSource;

	private final Cache<String, BucketMirror> mirrors;

	private final MirrorSync sync;

	private final Duration syncInterval;

	private final UUID instance = UUID.randomUUID();

	/** The instances alive at the last count; one until the first. */
	private volatile int instances = 1;

	private final ScheduledExecutorService scheduler;

	private final Counter busy;

	private volatile boolean failing;

	private final FullBuckets fullBuckets;

	/**
	 * @param dataSource the store's own pool, closed with the store when it can be
	 * @param syncInterval how often this instance tells the database what it granted
	 */
	PostgreSqlBucketStore(DataSource dataSource, Duration syncInterval, MeterRegistry meters) {
		this.dataSource = dataSource;
		this.table = new BucketTable(dataSource, meters, syncInterval.multipliedBy(2).plus(COMMIT_LAG));
		this.fullBuckets = new FullBuckets(this.table, syncInterval);
		this.sync = new MirrorSync(this.table, new OrphanedGrants(MAX_ORPHANS, meters),
				(dataSource instanceof HikariDataSource pool) ? pool.getMaximumPoolSize() : 3);
		this.syncInterval = syncInterval;
		this.mirrors = Caffeine.newBuilder()
			.maximumSize(MAX_MIRRORS)
			.expireAfter(new BucketMirror.UntilRefilled(syncInterval))
			.evictionListener(this::evicted)
			.build();
		this.busy = Counter.builder("acs.fleet.bucket.busy")
			.description("Requests refused because their bucket's statement did not come back in time")
			.register(meters);
		Gauge.builder("acs.fleet.bucket.mirrors", this.mirrors, Cache::estimatedSize)
			.description("Buckets this instance mirrors")
			.register(meters);
		CustomizableThreadFactory threads = new CustomizableThreadFactory("fleet-buckets-");
		threads.setDaemon(true);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(threads);
		long every = syncInterval.toMillis();
		this.scheduler.execute(this::countInstancesQuietly);
		this.scheduler.scheduleWithFixedDelay(this::synchronizeQuietly, every, every, TimeUnit.MILLISECONDS);
	}

	@Override
	public Optional<Duration> tryConsume(String key, BucketLimit limit) {
		long deadline = System.nanoTime() + MAX_WAIT.toNanos();
		BucketMirror mirror = null;
		boolean asked = false;
		try {
			while (System.nanoTime() < deadline) {
				int instances = this.instances;
				int share = limit.localShare(instances);
				boolean exact = share == 0 || limit.sharing() == BucketLimit.Sharing.EXACT;
				int reserve = limit.fullBucketReserve(instances);
				boolean seenFull = reserve > 0 && this.fullBuckets.seenFull(key, mirror == null);
				if (mirror == null || mirror.retired) {
					mirror = this.mirrors.get(key, (unused) -> new BucketMirror(key, limit, exact));
					asked = false;
				}
				BucketMirror.Decision decision;
				synchronized (mirror) {
					if (mirror.retired) {
						continue;
					}
					if (mirror.exact != exact && mirror.idle()) {
						// The fleet changed size: a mirror of the other kind, once it
						// owes nothing.
						mirror.retired = true;
						this.mirrors.asMap().remove(key, mirror);
						continue;
					}
					decision = mirror.decide(limit, System.nanoTime(), asked, Math.max(1, share), this.syncInterval,
							reserve, seenFull);
				}
				asked = decision.asked();
				if (decision.outcome() != null) {
					return decision.outcome();
				}
				CompletableFuture<Void> sync = Objects.requireNonNull(decision.sync(),
						"a decision without an outcome waits for a statement");
				if (decision.leader()) {
					this.sync.lead(mirror, sync);
				}
				if (!await(sync, deadline, decision.leader())) {
					break;
				}
			}
		}
		catch (RuntimeException ex) {
			giveUp(mirror, asked);
			throw ex;
		}
		giveUp(mirror, asked);
		this.busy.increment();
		logger.debug("Bucket {} was busy: refused as limited", key);
		return Optional.of(BUSY_RETRY_AFTER);
	}

	/** A request that asked the database for a token leaves without it. */
	private static void giveUp(@Nullable BucketMirror mirror, boolean asked) {
		if (mirror != null && asked) {
			synchronized (mirror) {
				mirror.waiting--;
			}
		}
	}

	/**
	 * Waits for a bucket's statement.
	 * @return {@code false} when it did not come back in time
	 * @throws DataAccessException when this request's own statement failed for a reason
	 * other than a busy bucket
	 */
	private boolean await(CompletableFuture<Void> sync, long deadline, boolean own) {
		try (DatabaseBudget.Wait wait = DatabaseBudget.waiting()) {
			long bound = Math.min(deadline - System.nanoTime(), DatabaseBudget.remainingNanos());
			sync.get(Math.max(0, bound), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DataAccessResourceFailureException("Interrupted while waiting for the shared buckets", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof PessimisticLockingFailureException || cause instanceof QueryTimeoutException) {
				return false;
			}
			if (own && cause instanceof DataAccessException failure) {
				throw failure;
			}
			// Another request's or the background batch's statement failed: try again.
			return true;
		}
	}

	/**
	 * Tells the database what every mirror granted since its last statement, a batch of
	 * buckets per statement: see {@link MirrorSync#round}.
	 * @throws DataAccessException when a batch failed; its grants stay to be told
	 */
	void synchronize() {
		this.instances = this.table.instancesAlive(this.instance, heardWithin());
		this.sync.round(this.mirrors.asMap().values());
		this.fullBuckets.read();
	}

	/**
	 * How recently an instance must have synchronised to count as alive: long enough for
	 * a slow round, short enough that a crashed instance soon stops shrinking the shares.
	 */
	private Duration heardWithin() {
		return this.syncInterval.multipliedBy(10);
	}

	private void countInstancesQuietly() {
		try {
			this.instances = this.table.instancesAlive(this.instance, heardWithin());
		}
		catch (RuntimeException ex) {
			logger.debug("Could not count the instances alive yet: {}", ex.getMessage());
		}
	}

	/** The instances alive at the last count, this one included. */
	int instances() {
		return this.instances;
	}

	private void synchronizeQuietly() {
		try {
			synchronize();
			if (this.failing) {
				this.failing = false;
				logger.info("The shared buckets are synchronised with the database again");
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn("Could not synchronise the shared buckets with the database, trying again: {}",
						ex.getMessage());
			}
		}
	}

	private void evicted(@Nullable String key, @Nullable BucketMirror mirror, RemovalCause cause) {
		if (key != null && mirror != null) {
			this.sync.retire(key, mirror);
		}
	}

	/**
	 * Deletes buckets that have been full for a while: see
	 * {@link BucketTable#deleteFullBuckets()}.
	 * @return how many were deleted
	 */
	int deleteFullBuckets() {
		return this.table.deleteFullBuckets();
	}

	/** Tells the database what this instance granted, then stops. */
	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.sync.stop();
		try {
			synchronize();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not tell the database the last grants of the shared buckets: {}", ex.getMessage());
		}
		this.table.leave(this.instance);
		if (this.dataSource instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Could not close the shared buckets' pool", ex);
			}
		}
	}

}
