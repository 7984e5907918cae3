package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.acstokenservice.fleet.DatabaseBudget;
import org.acstokenservice.fleet.FreshConnectionRetry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Sliding windows that every instance shares through PostgreSQL
 * ({@code sliding_window_slot}), exact for the fleet: a window of {@code calls} events is
 * {@code calls} rows, each holding when it was last used, and an event takes the oldest
 * row whose time has left the window ({@code for update skip locked}, so that concurrent
 * events take different rows) and sets it to the database's clock. A row is used at most
 * once in any window, so no window holds more than {@code calls} events, whichever
 * instance sends them and whatever their clocks say.
 * <p>
 * One statement per admitted event, on a pool of its own that nothing else can take: the
 * budget guards calls to ACS, each a round trip to ACS anyway. A full window is refused
 * from memory until its oldest row leaves the window: no row can come free sooner, so
 * this refuses nothing the database would admit. Rows stay (a window's size, per key);
 * keys are made in code from the ACS resources and operations, a few dozen.
 */
class PostgreSqlWindowStore implements WindowStore, AutoCloseable {

	private static final String PREPARE = """
			insert into sliding_window_slot (window_key, slot, used_at)
			select :key, slot, timestamp with time zone 'epoch' from generate_series(:from, :to) slot
			on conflict do nothing""";

	/*
	 * The second column is read from the statement's snapshot, before the update: only
	 * needed when nothing was taken, and then nothing was updated. %s is how the oldest
	 * row is locked.
	 */
	private static final String ADMIT = """
			with taken as (
			    update sliding_window_slot s set used_at = clock_timestamp()
			    where (s.window_key, s.slot) = (
			        select window_key, slot from sliding_window_slot
			        where window_key = :key and slot < :calls
			          and used_at <= clock_timestamp() - make_interval(secs => :seconds)
			        order by used_at limit 1 %s)
			    returning s.slot)
			select (select count(*) from taken) as taken,
			       (select extract(epoch from min(used_at) + make_interval(secs => :seconds) - clock_timestamp())
			        from sliding_window_slot where window_key = :key and slot < :calls) as wait_seconds""";

	private static final int ROWS_PER_STATEMENT = 1000;

	/** A statement is asked again only this long after a request began to ask. */
	static final Duration RETRY_WITHIN = Duration.ofMillis(1500);

	private final DataSource dataSource;

	private final JdbcClient database;

	/**
	 * A statement whose pooled connection died with a restart of the database is tried
	 * once more on a fresh one. Safe although it writes: had the lost statement taken a
	 * slot, the second takes another, and the fleet calls ACS once less in that window.
	 */
	private final FreshConnectionRetry fresh;

	/** The window size each key's rows were made for by this instance. */
	private final Map<String, Integer> prepared = new ConcurrentHashMap<>();

	/** Until when ({@link System#nanoTime()}) a key's window is known to be full. */
	private final Map<String, Long> fullUntil = new ConcurrentHashMap<>();

	/**
	 * @param dataSource the windows' own pool, closed with the store when it can be
	 */
	PostgreSqlWindowStore(DataSource dataSource) {
		this.dataSource = dataSource;
		this.database = JdbcClient.create(dataSource);
		this.fresh = new FreshConnectionRetry(dataSource, TransactionOperations.withoutTransaction());
	}

	@Override
	public Optional<Duration> tryAdmit(String key, WindowLimit limit) {
		Long full = this.fullUntil.get(key);
		if (full != null) {
			long wait = full - System.nanoTime();
			if (wait > 0) {
				return Optional.of(Duration.ofNanos(wait));
			}
			this.fullUntil.remove(key, full);
		}
		long deadline = System.nanoTime() + DatabaseBudget.boundNanos(RETRY_WITHIN);
		prepare(key, limit.calls());
		Decision decision = decide(key, limit, "for update skip locked");
		for (int again = 0; again < 4 && !decision.taken() && decision.waitSeconds() <= 0
				&& System.nanoTime() < deadline; again++) {
			/*
			 * Rows that had left the window were held by concurrent statements, which
			 * skip locked passes over. Asked again, waiting for those rows, the database
			 * takes one that a concurrent statement gave up; a later snapshot, which sees
			 * what they committed, says how long a full window stays full.
			 */
			decision = decide(key, limit, "for update");
		}
		if (decision.taken()) {
			return Optional.empty();
		}
		long wait = Math.max(1, (long) (decision.waitSeconds() * 1e9));
		this.fullUntil.put(key, System.nanoTime() + wait);
		return Optional.of(Duration.ofNanos(wait));
	}

	private Decision decide(String key, WindowLimit limit, String lock) {
		return this.fresh.read(() -> this.database.sql(ADMIT.formatted(lock))
			.param("key", key)
			.param("calls", limit.calls())
			.param("seconds", limit.window().toNanos() / 1e9)
			.query((row, n) -> new Decision(row.getLong("taken") > 0, row.getDouble("wait_seconds")))
			.single());
	}

	/**
	 * Makes the key's rows once per instance, {@value #ROWS_PER_STATEMENT} a statement,
	 * so that each statement stays well within the pool's statement time-out.
	 */
	private void prepare(String key, int calls) {
		Integer rows = this.prepared.get(key);
		if (rows != null && rows >= calls) {
			return;
		}
		// One thread makes the rows; the others wait for it.
		this.prepared.compute(key, (unused, made) -> {
			if (made != null && made >= calls) {
				return made;
			}
			for (int from = 0; from < calls; from += ROWS_PER_STATEMENT) {
				int first = from;
				this.fresh.read(() -> this.database.sql(PREPARE)
					.param("key", key)
					.param("from", first)
					.param("to", Math.min(calls, first + ROWS_PER_STATEMENT) - 1)
					.update());
			}
			return calls;
		});
	}

	@Override
	public void close() throws Exception {
		if (this.dataSource instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	private record Decision(boolean taken, double waitSeconds) {
	}

}
