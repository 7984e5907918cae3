package org.acstokenservice.audit;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.acstokenservice.fleet.DatabaseBudget;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Writes audit events on one thread of its own: a bounded queue, drained by the writer,
 * which inserts whatever is queued in one JDBC batch and one transaction, then logs each
 * event. So the rows of concurrent requests are committed together (a group commit): a
 * request that must not be answered before its row is committed ({@link #writeAndWait})
 * waits for one commit, not for a commit of its own, however many requests write at once;
 * one that may be answered first ({@link #write}) does not wait at all. A request never
 * loses its event: when the queue is full it waits for room, up to {@code maxWait}. A
 * batch that the database refuses is kept and tried again. On shutdown, after the web
 * server has finished its requests, whatever is queued is written before the database
 * goes; what a killed process loses is what {@link #write} queued and no batch has
 * committed yet.
 */
class AuditWriter implements SmartLifecycle {

	private static final Logger auditLog = LoggerFactory.getLogger("audit");

	private static final Logger logger = LoggerFactory.getLogger(AuditWriter.class);

	private static final String INSERT = "insert into audit_event (occurred_at, action, outcome, actor, subject, "
			+ "communication_user_id, reason, detail, resource) values (?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private static final int MAX_BATCH = 500;

	private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

	private final JdbcTemplate jdbc;

	private final TransactionOperations transactions;

	private final BlockingQueue<Queued> queue;

	private final Duration flushInterval;

	private final Duration maxWait;

	private final Timer commits;

	private volatile @Nullable Thread thread;

	private volatile boolean running;

	/** A batch that the writer thread held when it was stopped. */
	private volatile List<Queued> leftover = List.of();

	AuditWriter(JdbcTemplate jdbc, TransactionOperations transactions, int capacity, Duration flushInterval,
			Duration maxWait, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.flushInterval = flushInterval;
		this.maxWait = maxWait;
		this.commits = Timer.builder("acs.audit.commits")
			.description("Batches of audit rows committed together")
			.register(meters);
		Gauge.builder("acs.audit.queue", this.queue, BlockingQueue::size)
			.description("Audit events waiting to be written")
			.register(meters);
	}

	/**
	 * Queues an event whose request may be answered before its row is written: a reuse
	 * hit, a refusal, a look-up. Waits for room when the queue is full.
	 * @throws DataAccessResourceFailureException when no room came within the maximum
	 * wait: the database has not taken the trail's entries for a while, and the request
	 * gets the same 503 as any other request that needs it
	 */
	void write(AuditEvent event) {
		try (DatabaseBudget.Wait wait = DatabaseBudget.waiting()) {
			enqueue(new Queued(event, null), deadline());
		}
	}

	/**
	 * Writes an event and returns once its row is committed, with the rows of whatever
	 * other requests were queued with it: for a request that changed something or
	 * obtained something new from ACS, which must not be answered unrecorded. The maximum
	 * wait is for both, room in the queue and the commit: one deadline, not one each.
	 * @throws DataAccessResourceFailureException when the row was not committed within
	 * the maximum wait (it is still written once the database takes it)
	 */
	void writeAndWait(AuditEvent event) {
		try (DatabaseBudget.Wait wait = DatabaseBudget.waiting()) {
			long deadline = deadline();
			CompletableFuture<Void> committed = new CompletableFuture<>();
			enqueue(new Queued(event, committed), deadline);
			await(committed, "recorded", deadline);
		}
	}

	/** The maximum wait from now, or the rest of the request's database budget. */
	private long deadline() {
		return System.nanoTime() + DatabaseBudget.boundNanos(this.maxWait);
	}

	/**
	 * Waits until every event queued before this call is in the database: how a reader of
	 * the trail sees this instance's own writes.
	 */
	void flush() {
		if (!this.running) {
			drain();
			return;
		}
		try (DatabaseBudget.Wait wait = DatabaseBudget.waiting()) {
			long deadline = deadline();
			CompletableFuture<Void> written = new CompletableFuture<>();
			enqueue(new Queued(null, written), deadline);
			await(written, "written", deadline);
		}
	}

	private void enqueue(Queued item, long deadline) {
		try {
			if (!this.queue.offer(item, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
				throw new DataAccessResourceFailureException(
						"The audit trail is backed up: no room within " + this.maxWait);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for room in the audit trail", ex);
		}
	}

	private void await(CompletableFuture<Void> committed, String what, long deadline) {
		try {
			committed.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new DataAccessResourceFailureException("The audit trail was not " + what + " within " + this.maxWait);
		}
		catch (ExecutionException ex) {
			throw new DataAccessResourceFailureException("The audit trail was not " + what, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while the audit trail was written", ex);
		}
	}

	@Override
	public void start() {
		this.running = true;
		Thread writer = new Thread(this::run, "audit-writer");
		writer.setDaemon(true);
		this.thread = writer;
		writer.start();
	}

	@Override
	public void stop() {
		this.running = false;
		Thread writer = this.thread;
		if (writer != null) {
			writer.interrupt();
			try {
				writer.join(this.maxWait.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		drain();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops after the web server (which stops at {@code DEFAULT_PHASE - 1024} and
	 * {@code - 2048}), so that the last requests' events are written, and before the
	 * database pool closes.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	private void run() {
		List<Queued> batch = new ArrayList<>();
		while (this.running) {
			try {
				// Wakes when anything is queued: a waiting request waits for one commit.
				Queued first = this.queue.poll(this.flushInterval.toMillis(), TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, MAX_BATCH - 1);
				writeRetrying(batch);
				batch.clear();
			}
			catch (InterruptedException ex) {
				/* Stopping: stop() writes this batch and the rest of the queue. */
				this.leftover = List.copyOf(batch);
				return;
			}
		}
	}

	/**
	 * Writes what is queued, on the caller's thread: at shutdown, or when not started.
	 */
	private synchronized void drain() {
		List<Queued> batch = new ArrayList<>(this.leftover);
		this.leftover = List.of();
		while (!batch.isEmpty() || this.queue.drainTo(batch, MAX_BATCH) > 0) {
			try {
				writeOnce(batch);
			}
			catch (RuntimeException ex) {
				logger.error("Could not write {} audit events at shutdown", batch.size(), ex);
			}
			batch.clear();
		}
	}

	private void writeRetrying(List<Queued> batch) throws InterruptedException {
		while (true) {
			try {
				writeOnce(batch);
				return;
			}
			catch (RuntimeException | Error ex) {
				/*
				 * An Error too: a JDBC driver may throw one on a connection cut under it,
				 * and the writer must outlive it.
				 */
				logger.warn("Could not write {} audit events; trying again in {}", batch.size(), RETRY_DELAY, ex);
				Thread.sleep(RETRY_DELAY.toMillis());
			}
		}
	}

	/** One batch, one transaction; then the log lines, then the waiting requests. */
	private synchronized void writeOnce(List<Queued> batch) {
		List<Object[]> rows = new ArrayList<>(batch.size());
		List<AuditEvent> events = new ArrayList<>(batch.size());
		for (Queued item : batch) {
			AuditEvent event = item.event();
			if (event != null) {
				events.add(event);
				rows.add(new Object[] { event.occurredAt().atOffset(ZoneOffset.UTC), event.action().name(),
						event.outcome().name(), event.actor(), event.subject(), event.communicationUserId(),
						event.reason(), event.detail(), event.resource() });
			}
		}
		if (!rows.isEmpty()) {
			long start = System.nanoTime();
			this.transactions.executeWithoutResult((status) -> this.jdbc.batchUpdate(INSERT, rows));
			this.commits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			events.forEach(AuditWriter::log);
		}
		for (Queued item : batch) {
			if (item.committed() != null) {
				item.committed().complete(null);
			}
		}
	}

	static void log(AuditEvent event) {
		LoggingEventBuilder log = (event.outcome() == AuditEvent.Outcome.SUCCESS) ? auditLog.atInfo()
				: auditLog.atWarn();
		log.addKeyValue("audit.occurredAt", event.occurredAt())
			.addKeyValue("audit.action", event.action())
			.addKeyValue("audit.outcome", event.outcome())
			.addKeyValue("audit.actor", event.actor())
			.addKeyValue("audit.subject", event.subject())
			.addKeyValue("audit.communicationUserId", event.communicationUserId())
			.addKeyValue("audit.reason", event.reason())
			.addKeyValue("audit.detail", event.detail())
			.addKeyValue("audit.resource", event.resource())
			.log("{} {} for {}{}", event.action(), event.outcome(), event.subject(),
					(event.reason() != null) ? ": " + event.reason() : "");
	}

	/**
	 * An event (or none, for a flush), and the future of its commit when somebody waits
	 * for it.
	 */
	private record Queued(@Nullable AuditEvent event, @Nullable CompletableFuture<Void> committed) {
	}

}
