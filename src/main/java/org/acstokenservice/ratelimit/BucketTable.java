package org.acstokenservice.ratelimit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
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
 * The statements of the shared buckets' table ({@code rate_limit_bucket}): one
 * transaction takes what a batch of buckets granted or asks for, on the database's clock,
 * and the clean-up deletes buckets that have been full for a while. It knows nothing of
 * the mirrors that decide requests in memory ({@link PostgreSqlBucketStore}).
 */
class BucketTable {

	private static final Logger logger = LoggerFactory.getLogger(BucketTable.class);

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

	/* An instance's heartbeat, and how many were heard from within a while. */
	private static final String HEARD = "insert into rate_limit_instance (id, seen_at) values (?, now()) "
			+ "on conflict (id) do update set seen_at = now()";

	private static final String ALIVE = "select count(*) from rate_limit_instance "
			+ "where seen_at > now() - ? * interval '1 millisecond'";

	private static final String FORGET = "delete from rate_limit_instance where id = ? or seen_at < now() - interval '1 hour'";

	private final DataSource dataSource;

	private final SQLExceptionTranslator translator = new SQLStateSQLExceptionTranslator();

	private final Timer statements;

	private final Counter failures;

	/**
	 * @param dataSource the buckets' own pool, whose connections set short lock and
	 * statement time-outs
	 */
	BucketTable(DataSource dataSource, MeterRegistry meters) {
		this.dataSource = dataSource;
		this.statements = Timer.builder("acs.fleet.bucket.statements")
			.description("Statements that synchronise the shared buckets with the database")
			.register(meters);
		this.failures = Counter.builder("acs.fleet.bucket.failures")
			.description("Statements of the shared buckets that failed or timed out")
			.register(meters);
	}

	/**
	 * Tells the database what each bucket granted (a shared bucket) or asks it for tokens
	 * (an exact bucket), in one transaction; a bucket the table does not hold yet starts
	 * full.
	 * @return each bucket's tokens now and what it granted, by key
	 * @throws PessimisticLockingFailureException when a bucket stayed locked too long
	 * @throws QueryTimeoutException when the statement took too long
	 * @throws DataAccessException when the database cannot be reached
	 */
	Map<String, Result> take(Collection<Request> requests) {
		// One id per statement: a key may be a mirror and an evicted one's grants.
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
			exact[i] = request.exact();
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
			this.failures.increment();
			throw translate(ex);
		}
		catch (RuntimeException ex) {
			this.failures.increment();
			throw ex;
		}
		finally {
			this.statements.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
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

	/**
	 * Tells the database that this instance is alive, and counts the instances that said
	 * so within {@code within}, this one included.
	 * @throws DataAccessException when the database cannot be reached
	 */
	int instancesAlive(UUID instance, Duration within) {
		try (Connection connection = this.dataSource.getConnection()) {
			try (PreparedStatement heard = connection.prepareStatement(HEARD)) {
				heard.setObject(1, instance);
				heard.executeUpdate();
			}
			try (PreparedStatement alive = connection.prepareStatement(ALIVE)) {
				alive.setLong(1, within.toMillis());
				try (ResultSet count = alive.executeQuery()) {
					count.next();
					return Math.max(1, count.getInt(1));
				}
			}
		}
		catch (SQLException ex) {
			throw translate(ex);
		}
	}

	/** This instance stops: it no longer counts, nor do instances long gone. */
	void leave(UUID instance) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement forget = connection.prepareStatement(FORGET)) {
			forget.setObject(1, instance);
			forget.executeUpdate();
		}
		catch (SQLException ex) {
			logger.debug("Could not say that this instance stops sharing the buckets: {}", ex.getMessage());
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
	 * What one bucket asks of the database in a statement.
	 *
	 * @param consumed a shared bucket: what it granted since it last told; an exact
	 * bucket: how many tokens it asks for
	 * @param exact whether the database grants what is asked for, or takes what was
	 * granted
	 */
	record Request(String key, int consumed, BucketLimit limit, boolean exact) {

		/** What a shared bucket granted and did not tell. */
		Request(String key, int consumed, BucketLimit limit) {
			this(key, consumed, limit, false);
		}

		Request plus(Request other) {
			return new Request(this.key, this.consumed + other.consumed, this.limit, this.exact);
		}

	}

	/** What the database answered for a bucket: its tokens now, and what it granted. */
	record Result(double tokens, int granted) {
	}

}
