package org.acstokenservice.fleet;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;

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

	static final String TABLE = "rate_limit_bucket";

	/** How long a request waits at most for its bucket's statement. */
	static final Duration MAX_WAIT = Duration.ofMillis(1500);

	/** What a request is told when its bucket's statement did not come back in time. */
	static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

	/** Most buckets in one statement of a batch. */
	private static final int MAX_BATCH = 500;

	/** Most buckets an instance mirrors; the least recently used go first. */
	private static final long MAX_MIRRORS = 200_000;

	/** A full bucket's row is deleted this long after it filled up. */
	static final Duration KEEP_AFTER_FULL = Duration.ofMinutes(1);

	/** Rows deleted per statement of the clean-up. */
	static final int CLEANUP_BATCH = 5_000;

	private static final String INSERT_MISSING = """
			insert into rate_limit_bucket (id, tokens, capacity, period_ms, updated_at, full_at)
			select r.id, r.capacity, r.capacity, r.period_ms, now(), now()
			from unnest(?::varchar[], ?::float8[], ?::int8[]) as r(id, capacity, period_ms)
			order by r.id
			on conflict (id) do nothing""";

	/*
	 * Locks the rows in the order of their ids, so that two instances' batches never wait
	 * for each other in a circle; refills each on the database's clock, at the instance's
	 * configured rate (so that a changed limit applies at once), takes what was granted
	 * (or, for an exact bucket, what is there), and reports what is left.
	 */
	private static final String TAKE = """
			with req as (
			  select * from unnest(?::varchar[], ?::int4[], ?::float8[], ?::int8[], ?::bool[])
			    as r(id, consumed, capacity, period_ms, exact)
			), locked as materialized (
			  select b.id, b.tokens, b.updated_at from rate_limit_bucket b join req on req.id = b.id
			  order by b.id for update of b
			), refilled as (
			  select req.*, least(req.capacity, l.tokens
			    + extract(epoch from (now() - l.updated_at))::float8 * 1000.0 * req.capacity / req.period_ms) as available
			  from req join locked l on l.id = req.id
			), granted as (
			  select refilled.*, case when exact then least(consumed, greatest(0, floor(available)))
			    else consumed end as granted
			  from refilled
			)
			update rate_limit_bucket b
			set tokens = g.available - g.granted, capacity = g.capacity, period_ms = g.period_ms, updated_at = now(),
			  full_at = now() + ((g.capacity - (g.available - g.granted)) * g.period_ms / g.capacity)
			    * interval '1 millisecond'
			from granted g where b.id = g.id
			returning b.id, b.tokens, g.granted::int4""";

	private static final String CLEANUP = "delete from rate_limit_bucket where id in (select id from rate_limit_bucket "
			+ "where full_at < now() - interval '" + KEEP_AFTER_FULL.toSeconds() + " seconds' limit " + CLEANUP_BATCH
			+ " for update skip locked)";

	private final DataSource dataSource;

	private final Cache<String, Mirror> mirrors;

	/** What evicted mirrors had granted and not yet told the database. */
	private final Map<String, Pending> orphans = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler;

	private final SQLExceptionTranslator translator = new SQLStateSQLExceptionTranslator();

	private final Timer statements;

	private final Counter failures;

	private final Counter busy;

	private volatile boolean failing;

	/**
	 * @param dataSource the store's own pool, closed with the store when it can be
	 * @param syncInterval how often this instance tells the database what it granted
	 */
	PostgreSqlBucketStore(DataSource dataSource, Duration syncInterval, MeterRegistry meters) {
		this.dataSource = dataSource;
		this.mirrors = Caffeine.newBuilder()
			.maximumSize(MAX_MIRRORS)
			.expireAfter(new UntilRefilled(syncInterval))
			.evictionListener(this::evicted)
			.build();
		this.statements = Timer.builder("acs.fleet.bucket.statements")
			.description("Statements that synchronise the shared buckets with the database")
			.register(meters);
		this.failures = Counter.builder("acs.fleet.bucket.failures")
			.description("Statements of the shared buckets that failed or timed out")
			.register(meters);
		this.busy = Counter.builder("acs.fleet.bucket.busy")
			.description("Requests refused because their bucket's statement did not come back in time")
			.register(meters);
		Gauge.builder("acs.fleet.bucket.mirrors", this.mirrors, Cache::estimatedSize)
			.description("Buckets this instance mirrors")
			.register(meters);
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "fleet-buckets");
			thread.setDaemon(true);
			return thread;
		});
		long every = syncInterval.toMillis();
		this.scheduler.scheduleWithFixedDelay(this::synchronizeQuietly, every, every, TimeUnit.MILLISECONDS);
	}

	@Override
	public Optional<Duration> tryConsume(String key, BucketLimit limit) {
		long deadline = System.nanoTime() + MAX_WAIT.toNanos();
		Mirror mirror = null;
		boolean asked = false;
		try {
			while (System.nanoTime() < deadline) {
				if (mirror == null || mirror.retired) {
					mirror = this.mirrors.get(key, (unused) -> new Mirror(key, limit));
					asked = false;
				}
				Decision decision;
				synchronized (mirror) {
					if (mirror.retired) {
						continue;
					}
					decision = mirror.decide(limit, System.nanoTime(), asked);
				}
				asked = decision.asked();
				if (decision.outcome() != null) {
					return decision.outcome();
				}
				if (decision.leader()) {
					synchronize(List.of(mirror), decision.sync());
				}
				if (!await(decision.sync(), deadline, decision.leader())) {
					break;
				}
			}
		}
		catch (RuntimeException ex) {
			giveUp(mirror, asked);
			throw ex;
		}
		giveUp(mirror, asked);
		return busy(key);
	}

	/** A request that asked the database for a token leaves without it. */
	private static void giveUp(Mirror mirror, boolean asked) {
		if (mirror != null && asked) {
			synchronized (mirror) {
				mirror.waiting--;
			}
		}
	}

	private Optional<Duration> busy(String key) {
		this.busy.increment();
		logger.debug("Bucket {} was busy: refused as limited", key);
		return Optional.of(BUSY_RETRY_AFTER);
	}

	/**
	 * Waits for a bucket's statement.
	 * @return {@code false} when it did not come back in time
	 * @throws DataAccessException when this request's own statement failed for a reason
	 * other than a busy bucket
	 */
	private boolean await(CompletableFuture<Void> sync, long deadline, boolean own) {
		try {
			sync.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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
	 * buckets per statement.
	 * @throws DataAccessException when a batch failed; its grants stay to be told
	 */
	void synchronize() {
		List<Mirror> candidates = new ArrayList<>();
		for (Mirror mirror : this.mirrors.asMap().values()) {
			synchronized (mirror) {
				if (!mirror.retired && mirror.sync == null && mirror.unsynced > 0) {
					candidates.add(mirror);
				}
			}
		}
		List<Pending> orphans = new ArrayList<>();
		for (String key : List.copyOf(this.orphans.keySet())) {
			Pending pending = this.orphans.remove(key);
			if (pending != null) {
				orphans.add(pending);
			}
		}
		DataAccessException failure = null;
		for (int from = 0; from < Math.max(candidates.size(), orphans.size()); from += MAX_BATCH) {
			CompletableFuture<Void> sync = new CompletableFuture<>();
			List<Mirror> part = new ArrayList<>();
			for (Mirror mirror : candidates.subList(Math.min(from, candidates.size()),
					Math.min(from + MAX_BATCH, candidates.size()))) {
				synchronized (mirror) {
					if (!mirror.retired && mirror.sync == null && mirror.unsynced > 0) {
						mirror.startSync(sync);
						part.add(mirror);
					}
				}
			}
			List<Pending> orphaned = orphans.subList(Math.min(from, orphans.size()),
					Math.min(from + MAX_BATCH, orphans.size()));
			try {
				run(part, orphaned);
			}
			catch (DataAccessException ex) {
				orphaned.forEach((pending) -> this.orphans.merge(pending.key(), pending, Pending::plus));
				failure = ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
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

	/** One bucket's statement, on the request's thread. */
	private void synchronize(List<Mirror> mirrors, CompletableFuture<Void> sync) {
		try {
			run(mirrors, List.of());
			sync.complete(null);
		}
		catch (RuntimeException ex) {
			sync.completeExceptionally(ex);
		}
	}

	/**
	 * Runs one statement batch for the mirrors, whose syncs are started, and for evicted
	 * mirrors' grants; completes or fails each mirror's sync.
	 */
	private void run(List<Mirror> mirrors, List<Pending> orphans) {
		List<Request> requests = new ArrayList<>(mirrors.size() + orphans.size());
		for (Mirror mirror : mirrors) {
			synchronized (mirror) {
				requests.add(new Request(mirror.key, mirror.asking(), mirror.limit));
			}
		}
		for (Pending pending : orphans) {
			requests.add(new Request(pending.key(), pending.granted(), pending.limit()));
		}
		Map<String, Result> results;
		try {
			results = execute(requests);
		}
		catch (DataAccessException ex) {
			this.failures.increment();
			for (Mirror mirror : mirrors) {
				synchronized (mirror) {
					CompletableFuture<Void> sync = mirror.failed();
					if (mirror.retired && mirror.unsynced > 0) {
						this.orphans.merge(mirror.key, new Pending(mirror.key, mirror.unsynced, mirror.limit),
								Pending::plus);
						mirror.unsynced = 0;
					}
					if (sync != null) {
						sync.completeExceptionally(ex);
					}
				}
			}
			throw ex;
		}
		long now = System.nanoTime();
		for (Mirror mirror : mirrors) {
			synchronized (mirror) {
				Result result = results.get(mirror.key);
				CompletableFuture<Void> sync = (result != null) ? mirror.synced(result, now) : mirror.failed();
				if (sync != null) {
					sync.complete(null);
				}
			}
		}
	}

	private Map<String, Result> execute(List<Request> requests) {
		// One id once per statement: a key can be both a mirror and an evicted one's
		// grants.
		Map<String, Request> merged = new HashMap<>();
		for (Request request : requests) {
			merged.merge(request.key(), request, Request::plus);
		}
		int n = merged.size();
		String[] ids = new String[n];
		Integer[] consumed = new Integer[n];
		Double[] capacities = new Double[n];
		Long[] periods = new Long[n];
		Boolean[] exact = new Boolean[n];
		int i = 0;
		for (Request request : merged.values()) {
			ids[i] = request.key();
			consumed[i] = request.consumed();
			capacities[i] = (double) request.limit().capacity();
			periods[i] = request.limit().period().toMillis();
			exact[i] = request.limit().sharing() == BucketLimit.Sharing.EXACT;
			i++;
		}
		long start = System.nanoTime();
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				Map<String, Result> results = new HashMap<>();
				try (PreparedStatement insert = connection.prepareStatement(INSERT_MISSING)) {
					insert.setArray(1, array(connection, "varchar", ids));
					insert.setArray(2, array(connection, "float8", capacities));
					insert.setArray(3, array(connection, "int8", periods));
					insert.executeUpdate();
				}
				try (PreparedStatement take = connection.prepareStatement(TAKE)) {
					take.setArray(1, array(connection, "varchar", ids));
					take.setArray(2, array(connection, "int4", consumed));
					take.setArray(3, array(connection, "float8", capacities));
					take.setArray(4, array(connection, "int8", periods));
					take.setArray(5, array(connection, "bool", exact));
					try (ResultSet rows = take.executeQuery()) {
						while (rows.next()) {
							results.put(rows.getString(1), new Result(rows.getDouble(2), rows.getInt(3)));
						}
					}
				}
				connection.commit();
				return results;
			}
			catch (SQLException | RuntimeException ex) {
				rollbackQuietly(connection, ex);
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw translate(ex);
		}
		finally {
			this.statements.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * A bucket locked too long (PostgreSQL's {@code lock_not_available}) or a statement
	 * cancelled by its time-out ({@code query_canceled}) is a busy bucket, which callers
	 * answer as "limited"; anything else is a database that cannot be reached.
	 */
	private DataAccessException translate(SQLException ex) {
		String state = ex.getSQLState();
		if ("55P03".equals(state)) {
			return new PessimisticLockingFailureException("A shared bucket is locked", ex);
		}
		if ("57014".equals(state)) {
			return new QueryTimeoutException("A shared bucket's statement timed out", ex);
		}
		DataAccessException translated = this.translator.translate("synchronise shared buckets", null, ex);
		return (translated != null) ? translated
				: new DataAccessResourceFailureException("The shared buckets cannot be reached", ex);
	}

	private static void rollbackQuietly(Connection connection, Exception failure) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
	}

	private static Array array(Connection connection, String type, Object[] values) throws SQLException {
		return connection.createArrayOf(type, values);
	}

	/**
	 * Deletes buckets that have been full for a while (a full bucket and a missing one
	 * mean the same), a batch at a time until none is left, so that the table keeps up
	 * with any rate of new keys.
	 * @return how many were deleted
	 */
	int deleteFullBuckets() {
		int deleted = 0;
		try (Connection connection = this.dataSource.getConnection(); Statement delete = connection.createStatement()) {
			int batch;
			do {
				batch = delete.executeUpdate(CLEANUP);
				deleted += batch;
			}
			while (batch == CLEANUP_BATCH);
		}
		catch (SQLException ex) {
			logger.warn("Could not delete full buckets: {}", ex.getMessage());
		}
		return deleted;
	}

	private void evicted(String key, Mirror mirror, RemovalCause cause) {
		if (mirror == null) {
			return;
		}
		synchronized (mirror) {
			mirror.retired = true;
			if (mirror.unsynced > 0) {
				this.orphans.merge(key, new Pending(key, mirror.unsynced, mirror.limit), Pending::plus);
			}
		}
	}

	/** Tells the database what this instance granted, then stops. */
	@Override
	public void close() {
		this.scheduler.shutdownNow();
		try {
			synchronize();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not tell the database the last grants of the shared buckets: {}", ex.getMessage());
		}
		if (this.dataSource instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Could not close the shared buckets' pool", ex);
			}
		}
	}

	/** What one bucket asks of the database in a statement. */
	private record Request(String key, int consumed, BucketLimit limit) {

		Request plus(Request other) {
			return new Request(this.key, this.consumed + other.consumed, this.limit);
		}

	}

	/** What the database answered for a bucket: its tokens now, and what it granted. */
	record Result(double tokens, int granted) {
	}

	/** Grants of an evicted mirror that the database has not heard of yet. */
	private record Pending(String key, int granted, BucketLimit limit) {

		Pending plus(Pending other) {
			return new Pending(this.key, this.granted + other.granted, this.limit);
		}

	}

	/**
	 * What a request does next: an outcome (empty when granted, else how long to wait),
	 * or wait for a statement, which it runs itself when it is the leader.
	 */
	record Decision(Optional<Duration> outcome, CompletableFuture<Void> sync, boolean leader, boolean asked) {

		static final Decision GRANTED = new Decision(Optional.empty(), null, false, false);

		static Decision refused(Duration wait) {
			return new Decision(Optional.of(wait), null, false, false);
		}

	}

	/**
	 * This instance's view of one bucket. Guarded by its own monitor; never held while a
	 * statement runs.
	 */
	static final class Mirror {

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

		/** The statement in flight for this bucket, or {@code null}. */
		CompletableFuture<Void> sync;

		/** Evicted: requests fetch a new mirror. */
		boolean retired;

		Mirror(String key, BucketLimit limit) {
			this.key = key;
			this.limit = limit;
			// A bucket the database has not reported yet is taken as full, as a new one
			// is.
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
		 */
		Decision decide(BucketLimit limit, long now, boolean asked) {
			this.limit = limit;
			if (limit.sharing() == BucketLimit.Sharing.EXACT) {
				return decideExact(now, asked);
			}
			double available = available(now);
			if (available < 1) {
				return Decision.refused(wait(available));
			}
			if (this.unsynced + this.sending < limit.localShare()) {
				this.unsynced++;
				return Decision.GRANTED;
			}
			return syncFor(false);
		}

		/**
		 * The database grants an exact bucket's tokens; the tokens it granted this
		 * instance go to the requests that asked first, then to any.
		 */
		private Decision decideExact(long now, boolean asked) {
			if (this.granted > (asked ? 0 : this.waiting)) {
				this.granted--;
				if (asked) {
					this.waiting--;
				}
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

		/** What the statement in flight takes from the bucket. */
		int asking() {
			return (this.limit.sharing() == BucketLimit.Sharing.EXACT) ? this.asking : this.sending;
		}

		CompletableFuture<Void> synced(Result result, long now) {
			this.tokens = result.tokens();
			this.syncedAt = now;
			this.known = true;
			this.sending = 0;
			this.granted += (this.limit.sharing() == BucketLimit.Sharing.EXACT) ? result.granted() : 0;
			this.asking = 0;
			CompletableFuture<Void> sync = this.sync;
			this.sync = null;
			return sync;
		}

		CompletableFuture<Void> failed() {
			// What was granted here is still to be told; what was asked for is not
			// granted.
			this.unsynced += this.sending;
			this.sending = 0;
			this.asking = 0;
			CompletableFuture<Void> sync = this.sync;
			this.sync = null;
			return sync;
		}

	}

	/**
	 * Keeps a mirror while its bucket may still refuse or has grants to tell: until it
	 * would be full again, and a few synchronisations at least.
	 */
	private static final class UntilRefilled implements Expiry<String, Mirror> {

		private final long atLeast;

		UntilRefilled(Duration syncInterval) {
			this.atLeast = syncInterval.multipliedBy(5).toNanos();
		}

		@Override
		public long expireAfterCreate(String key, Mirror mirror, long currentTime) {
			return Math.max(this.atLeast, mirror.limit.period().toNanos());
		}

		@Override
		public long expireAfterUpdate(String key, Mirror mirror, long currentTime, long currentDuration) {
			return currentDuration;
		}

		@Override
		public long expireAfterRead(String key, Mirror mirror, long currentTime, long currentDuration) {
			return Math.max(this.atLeast, mirror.limit.period().toNanos());
		}

	}

	/** The mirrors, for tests. */
	Collection<Mirror> mirrors() {
		return this.mirrors.asMap().values();
	}

}
