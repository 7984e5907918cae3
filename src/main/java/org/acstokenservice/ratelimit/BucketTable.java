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
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
	 * and grants what is asked for from what is there, and reports what is left.
	 *
	 * A bucket whose requests carry a reserve may be granted from by each instance once
	 * as it last saw the bucket full (PostgreSqlBucketStore). When it stops being full,
	 * "reserved" counts those events, one per instance; each told event uses one. Until
	 * every instance has heard (:reserveFor), what is asked for leaves the events still
	 * kept, but the asking instance's own when it has not used it: it no longer will.
	 */
	private static final String TAKE = """
			with req as (
			  select * from unnest(?::varchar[], ?::int4[], ?::int4[], ?::float8[], ?::int8[], ?::int4[], ?::int4[])
			    as r(id, told, asked, capacity, period_ms, reserve, own)
			), locked as materialized (
			  select b.id, b.tokens, b.updated_at, b.drained_at, b.reserved from rate_limit_bucket b
			  join req on req.id = b.id order by b.id for update of b
			), refilled as (
			  select req.*, l.drained_at, l.reserved, least(req.capacity, l.tokens
			    + extract(epoch from (now() - l.updated_at))::float8 * 1000.0 * req.capacity / req.period_ms) as available
			  from req join locked l on l.id = req.id
			), kept as (
			  select refilled.*, available >= capacity as was_full, greatest(0, case
			    when reserve = 0 then 0
			    when available >= capacity then reserve
			    when drained_at > now() - ? * interval '1 millisecond' then coalesce(reserved, 0)
			    else 0 end - told) as slots
			  from refilled
			), granted as (
			  select kept.*, greatest(0, slots - own) as leave,
			    least(asked, greatest(0, floor(available - told - greatest(0, slots - own)))) as granted
			  from kept
			)
			update rate_limit_bucket b
			set tokens = g.available - g.told - g.granted, capacity = g.capacity, period_ms = g.period_ms,
			  updated_at = now(),
			  full_at = now() + ((g.capacity - (g.available - g.told - g.granted)) * g.period_ms / g.capacity)
			    * interval '1 millisecond',
			  drained_at = case when g.reserve > 0 and g.was_full and g.told + g.granted > 0 then now()
			    else g.drained_at end,
			  reserved = g.slots
			from granted g where b.id = g.id
			returning b.id, b.tokens - g.leave, g.granted::int4""";

	/* The buckets of some limits that are not full. */
	private static final String NOT_FULL = "select id from rate_limit_bucket "
			+ "where full_at > now() and id like any (?::varchar[]) limit ?";

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

	private final Duration reserveFor;

	/**
	 * @param dataSource the buckets' own pool, whose connections set short lock and
	 * statement time-outs
	 * @param reserveFor how long after a bucket stops being full other instances may
	 * still grant from it, as they last saw it full
	 */
	BucketTable(DataSource dataSource, MeterRegistry meters, Duration reserveFor) {
		this.dataSource = dataSource;
		this.reserveFor = reserveFor;
		this.statements = Timer.builder("acs.fleet.bucket.statements")
			.description("Statements that synchronise the shared buckets with the database")
			.register(meters);
		this.failures = Counter.builder("acs.fleet.bucket.failures")
			.description("Statements of the shared buckets that failed or timed out")
			.register(meters);
	}

	/**
	 * Tells the database what each bucket granted and asks it for tokens (an exact
	 * bucket), in two statements: a bucket the table does not hold yet is made full
	 * first.
	 * @return each bucket's tokens now and what it granted, by key
	 * @throws PessimisticLockingFailureException when a bucket stayed locked too long
	 * @throws QueryTimeoutException when the statement took too long
	 * @throws DataAccessException when the database cannot be reached
	 */
	Map<String, Result> take(Collection<BucketRequest> requests) {
		// One id per statement: a key may be a mirror and an evicted one's grants.
		Map<String, BucketRequest> merged = new HashMap<>();
		for (BucketRequest request : requests) {
			merged.merge(request.key(), request, BucketRequest::plus);
		}
		int n = merged.size();
		String[] ids = new String[n];
		Integer[] told = new Integer[n];
		Integer[] asked = new Integer[n];
		Double[] capacities = new Double[n];
		Long[] periods = new Long[n];
		Integer[] reserves = new Integer[n];
		Integer[] own = new Integer[n];
		int i = 0;
		for (BucketRequest request : merged.values()) {
			ids[i] = request.key();
			told[i] = request.told();
			asked[i] = request.asked();
			capacities[i] = (double) request.limit().capacity();
			periods[i] = request.limit().period().toMillis();
			reserves[i] = request.reserve();
			own[i] = request.ownKept() ? 1 : 0;
			i++;
		}
		long start = System.nanoTime();
		// Two statements, each its own transaction: a row made full may stay.
		try (Connection connection = this.dataSource.getConnection()) {
			Map<String, Result> results = new HashMap<>();
			try (PreparedStatement insert = connection.prepareStatement(INSERT_MISSING)) {
				insert.setArray(1, array(connection, "varchar", ids));
				insert.setArray(2, array(connection, "float8", capacities));
				insert.setArray(3, array(connection, "int8", periods));
				insert.executeUpdate();
			}
			try (PreparedStatement take = connection.prepareStatement(TAKE)) {
				take.setArray(1, array(connection, "varchar", ids));
				take.setArray(2, array(connection, "int4", told));
				take.setArray(3, array(connection, "int4", asked));
				take.setArray(4, array(connection, "float8", capacities));
				take.setArray(5, array(connection, "int8", periods));
				take.setArray(6, array(connection, "int4", reserves));
				take.setArray(7, array(connection, "int4", own));
				take.setLong(8, this.reserveFor.toMillis());
				try (ResultSet rows = take.executeQuery()) {
					while (rows.next()) {
						results.put(rows.getString(1), new Result(rows.getDouble(2), rows.getInt(3)));
					}
				}
			}
			return results;
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
	 * The buckets of the named limits that are not full: every other one was full.
	 * @param limits the limits' names, which begin their keys
	 * @return their keys, or empty when there are more than {@code most}
	 * @throws DataAccessException when the database cannot be reached
	 */
	Optional<Set<String>> notFull(Collection<String> limits, int most) {
		long start = System.nanoTime();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement(NOT_FULL)) {
			select.setArray(1, array(connection, "varchar",
					limits.stream().map((name) -> name.replaceAll("([%_\\\\])", "\\\\$1") + ":%").toArray()));
			select.setInt(2, most + 1);
			Set<String> keys = new HashSet<>();
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					keys.add(rows.getString(1));
				}
			}
			return (keys.size() > most) ? Optional.empty() : Optional.of(keys);
		}
		catch (SQLException ex) {
			this.failures.increment();
			throw translate(ex);
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

	private static Array array(Connection connection, String type, Object[] values) throws SQLException {
		return connection.createArrayOf(type, values);
	}

	/** What the database answered for a bucket: its tokens now, and what it granted. */
	record Result(double tokens, int granted) {
	}

}
