package org.acstokenservice.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Retention on PostgreSQL, where {@code audit_event} is partitioned by day of
 * {@code occurred_at}, UTC (migration V11): a day's partition is detached and dropped
 * once its end is older than the retention, so an entry is kept for the retention and at
 * most one day (and one purge interval) more. A detach locks the table for milliseconds
 * whatever the day holds and writes no row to the WAL, where one delete of a day's rows
 * outlasts any statement time-out and deletes in batches write the WAL twice and leave
 * the rows to vacuum (measured in {@code docs/benchmarks/2026-12-07-audit-retention.md}).
 * <p>
 * Each round also makes the partitions of today and the next days ahead, so that rows go
 * to their day's partition; rows of a day without one (the job stopped for longer than
 * that) go to {@code audit_event_default} and are moved into their day's partition when
 * it is made. The partition that the migration made of an older table
 * ({@code audit_event_legacy}) and the default one are trimmed by deletes in bounded
 * batches instead, as long as part of them is within the retention.
 * <p>
 * Detaching a partition takes an exclusive lock of the whole table for a moment, behind
 * which inserts and reads queue: every statement waits at most
 * {@code token-service.audit.lock-timeout} for its lock and then gives up until the next
 * round, and runs at most {@link #STATEMENT_TIMEOUT}.
 */
class PartitionedAuditRetention implements AuditRetention {

	private static final Logger logger = LoggerFactory.getLogger(PartitionedAuditRetention.class);

	/** Longer than a drop, a day's move out of the default partition or a batch take. */
	static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

	/** Rows deleted per statement when a partition is trimmed. */
	static final int TRIM_BATCH = 10_000;

	/** How long a round trims at most; the job's lock is held for 10 minutes at most. */
	private static final Duration TRIM_BUDGET = Duration.ofMinutes(5);

	private static final String DEFAULT_PARTITION = "audit_event_default";

	private static final DateTimeFormatter DAY_NAME = DateTimeFormatter.ofPattern("'audit_event_p'yyyyMMdd")
		.withZone(ZoneOffset.UTC);

	/* A range partition's bounds as PostgreSQL prints them, MINVALUE as null. */
	private static final String PARTITIONS = """
			select c.relname as name,
			       substring(pg_get_expr(c.relpartbound, c.oid) from 'FROM \\(''([^'']+)''\\)')::timestamptz as from_bound,
			       substring(pg_get_expr(c.relpartbound, c.oid) from 'TO \\(''([^'']+)''\\)')::timestamptz as to_bound
			from pg_inherits i join pg_class c on c.oid = i.inhrelid
			where i.inhparent = 'audit_event'::regclass
			""";

	/*
	 * Tables named as days' partitions that are not partitions: detached by a round whose
	 * drop failed. A day made apart is attached in the transaction that makes it.
	 */
	private static final String DETACHED = """
			select c.relname from pg_class c
			where c.relkind = 'r' and not c.relispartition and c.relname ~ '^audit_event_(p[0-9]{8}|legacy)$'
			and c.relnamespace = (select relnamespace from pg_class where oid = 'audit_event'::regclass)
			""";

	private final JdbcTemplate jdbc;

	private final TransactionOperations transactions;

	private final Clock clock;

	private final Duration retention;

	private final int daysAhead;

	private final Duration lockTimeout;

	/**
	 * @param jdbc statements without a query time-out of their own: each transaction sets
	 * its time-outs
	 */
	PartitionedAuditRetention(JdbcTemplate jdbc, TransactionOperations transactions, Clock clock,
			AuditProperties properties) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.clock = clock;
		this.retention = properties.retention();
		this.daysAhead = properties.partitionsAhead();
		this.lockTimeout = properties.lockTimeout();
	}

	@Override
	public void enforce() {
		Instant now = this.clock.instant();
		Instant cutoff = now.minus(this.retention);
		TreeSet<Instant> days = new TreeSet<>();
		Instant today = now.truncatedTo(ChronoUnit.DAYS);
		for (int ahead = 0; ahead <= this.daysAhead; ahead++) {
			days.add(today.plus(ahead, ChronoUnit.DAYS));
		}
		daysInDefault().stream().filter((day) -> day.plus(1, ChronoUnit.DAYS).isAfter(cutoff)).forEach(days::add);
		List<Partition> made = partitions();
		for (Instant day : days) {
			if (made.stream().noneMatch((partition) -> partition.holds(day))) {
				make(day);
			}
		}
		for (Partition partition : partitions()) {
			if (partition.endsBy(cutoff)) {
				detach(partition);
			}
			else if (partition.from() == null) {
				trim(partition.name(), cutoff);
			}
		}
		dropDetached();
		trim(DEFAULT_PARTITION, cutoff);
	}

	/** The range partitions, not the default one. */
	List<Partition> partitions() {
		List<Partition> partitions = new ArrayList<>();
		this.jdbc.query(PARTITIONS, (rs) -> {
			Timestamp to = rs.getTimestamp("to_bound");
			if (to != null) {
				partitions
					.add(new Partition(rs.getString("name"), instant(rs.getTimestamp("from_bound")), to.toInstant()));
			}
		});
		return partitions;
	}

	/**
	 * Detaches a partition that the retention has left whole, under the table's lock for
	 * a moment; {@link #dropDetached()} drops it apart, since removing its files takes
	 * time (about 0.7 s an hour's worth here) that inserts would otherwise wait.
	 */
	private void detach(Partition partition) {
		Boolean detached = inTransaction("detach audit partition " + partition.name(), () -> {
			this.jdbc.execute("alter table audit_event detach partition " + partition.name());
			return true;
		});
		if (detached != null) {
			logger.info("Detached audit partition {} (entries before {}), older than the retention of {}",
					partition.name(), partition.to(), this.retention);
		}
	}

	/**
	 * Drops the days' tables detached from the trail, this round's and any left before.
	 */
	private void dropDetached() {
		List<String> detached = this.jdbc.queryForList(DETACHED, String.class);
		for (String table : detached) {
			if (inTransaction("drop detached audit partition " + table, () -> {
				this.jdbc.execute("drop table " + table);
				return true;
			}) != null) {
				logger.info("Dropped detached audit partition {}", table);
			}
		}
	}

	/**
	 * Makes a day's partition: apart first, with the day's rows moved into it from the
	 * default partition, then attached, which checks that none of the default's rows is
	 * of the day. Inserts wait meanwhile (reads do not): one routed to the default
	 * partition before the attach would fail after it.
	 */
	private void make(Instant day) {
		String name = DAY_NAME.format(day);
		OffsetDateTime from = day.atOffset(ZoneOffset.UTC);
		OffsetDateTime to = from.plusDays(1);
		Integer moved = inTransaction("make audit partition " + name, () -> {
			this.jdbc.execute("lock table only audit_event in share mode");
			this.jdbc.execute("create table " + name + " (like audit_event including defaults)");
			int rows = this.jdbc.update("with moved as (delete from " + DEFAULT_PARTITION
					+ " where occurred_at >= ? and occurred_at < ? returning *) insert into " + name
					+ " select * from moved", from, to);
			this.jdbc.execute("alter table audit_event attach partition " + name + " for values from ('" + from
					+ "') to ('" + to + "')");
			return rows;
		});
		if (moved != null) {
			logger.info("Made audit partition {}{}", name,
					(moved > 0) ? " with " + moved + " entries from " + DEFAULT_PARTITION : "");
		}
	}

	/**
	 * Deletes a partition's rows older than the cutoff in batches of {@link #TRIM_BATCH},
	 * for {@link #TRIM_BUDGET} at most; the rest in the next round.
	 */
	private void trim(String partition, Instant cutoff) {
		long deadline = System.nanoTime() + TRIM_BUDGET.toNanos();
		long trimmed = 0;
		Integer batch;
		do {
			batch = inTransaction("trim audit partition " + partition,
					() -> this.jdbc.update(
							"delete from " + partition + " where ctid = any (array(select ctid from " + partition
									+ " where occurred_at < ? limit " + TRIM_BATCH + "))",
							cutoff.atOffset(ZoneOffset.UTC)));
			trimmed += (batch != null) ? batch : 0;
		}
		while (batch != null && batch == TRIM_BATCH && System.nanoTime() < deadline);
		if (trimmed > 0) {
			logger.info("Deleted {} audit entries older than the retention of {} from {}", trimmed, this.retention,
					partition);
		}
	}

	/** The days that rows of the default partition belong to. */
	private List<Instant> daysInDefault() {
		List<Instant> days = inTransaction("read " + DEFAULT_PARTITION,
				() -> this.jdbc.query(
						"select distinct date_trunc('day', occurred_at at time zone 'UTC') as day from "
								+ DEFAULT_PARTITION,
						(rs, row) -> rs.getObject("day", LocalDateTime.class).toInstant(ZoneOffset.UTC)));
		return (days != null) ? days : List.of();
	}

	/**
	 * Runs work in a transaction of its own under the retention's time-outs.
	 * @return what the work returned, or {@code null} when it failed (logged; the next
	 * round tries again)
	 */
	private <T> @Nullable T inTransaction(String what, Work<T> work) {
		try {
			return this.transactions.execute((status) -> {
				this.jdbc.execute("set local lock_timeout = " + this.lockTimeout.toMillis());
				this.jdbc.execute("set local statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
				return work.run();
			});
		}
		catch (DataAccessException ex) {
			logger.warn("Could not {}; trying again in the next round: {}", what, ex.getMessage());
			return null;
		}
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	@FunctionalInterface
	private interface Work<T> {

		T run();

	}

	/**
	 * A range partition of {@code audit_event}.
	 *
	 * @param from where it starts; {@code null} for the partition of an older table,
	 * which holds every row before its end
	 * @param to where it ends
	 */
	record Partition(String name, @Nullable Instant from, Instant to) {

		boolean endsBy(Instant cutoff) {
			return !this.to.isAfter(cutoff);
		}

		boolean holds(Instant instant) {
			return (this.from == null || !this.from.isAfter(instant)) && this.to.isAfter(instant);
		}

	}

}
