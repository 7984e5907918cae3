package org.acstokenservice.audit;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes audit events off the request threads: a bounded queue, drained by one thread
 * that inserts them in JDBC batches and logs them, at least every {@code flushInterval}.
 * A request never loses its event: when the queue is full it waits for room, up to
 * {@code maxWait}. A batch that the database refuses is kept and tried again. On
 * shutdown, after the web server has finished its requests, whatever is queued is written
 * before the database goes.
 */
class AuditWriter implements SmartLifecycle {

	private static final Logger auditLog = LoggerFactory.getLogger("audit");

	private static final Logger logger = LoggerFactory.getLogger(AuditWriter.class);

	private static final String INSERT = "insert into audit_event (occurred_at, action, outcome, actor, subject, "
			+ "communication_user_id, reason, detail) values (?, ?, ?, ?, ?, ?, ?, ?)";

	private static final int MAX_BATCH = 500;

	private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

	private final JdbcTemplate jdbc;

	private final BlockingQueue<Object> queue;

	private final Duration flushInterval;

	private final Duration maxWait;

	private volatile Thread thread;

	private volatile boolean running;

	/** A batch that the writer thread held when it was stopped. */
	private volatile List<Object> leftover = List.of();

	AuditWriter(JdbcTemplate jdbc, int capacity, Duration flushInterval, Duration maxWait) {
		this.jdbc = jdbc;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.flushInterval = flushInterval;
		this.maxWait = maxWait;
	}

	/**
	 * Queues an event, waiting for room when the queue is full.
	 * @throws DataAccessResourceFailureException when no room came within the maximum
	 * wait: the database has not taken the trail's entries for a while, and the request
	 * gets the same 503 as any other request that needs it
	 */
	void write(AuditEvent event) {
		enqueue(event);
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
		CountDownLatch written = new CountDownLatch(1);
		enqueue(written);
		try {
			if (!written.await(this.maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("The audit trail could not be written within " + this.maxWait);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while the audit trail was written", ex);
		}
	}

	private void enqueue(Object item) {
		try {
			if (!this.queue.offer(item, this.maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new DataAccessResourceFailureException(
						"The audit trail is backed up: no room within " + this.maxWait);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for room in the audit trail", ex);
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
		List<Object> batch = new ArrayList<>();
		while (this.running) {
			try {
				Object first = this.queue.poll(this.flushInterval.toMillis(), TimeUnit.MILLISECONDS);
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
		List<Object> batch = new ArrayList<>(this.leftover);
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

	private void writeRetrying(List<Object> batch) throws InterruptedException {
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

	private synchronized void writeOnce(List<Object> batch) {
		List<Object[]> rows = new ArrayList<>(batch.size());
		List<AuditEvent> events = new ArrayList<>(batch.size());
		for (Object item : batch) {
			if (item instanceof AuditEvent event) {
				events.add(event);
				rows.add(new Object[] { event.occurredAt().atOffset(ZoneOffset.UTC), event.action().name(),
						event.outcome().name(), event.actor(), event.subject(), event.communicationUserId(),
						event.reason(), event.detail() });
			}
		}
		if (!rows.isEmpty()) {
			this.jdbc.batchUpdate(INSERT, rows);
			events.forEach(AuditWriter::log);
		}
		for (Object item : batch) {
			if (item instanceof CountDownLatch written) {
				written.countDown();
			}
		}
	}

	private static void log(AuditEvent event) {
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
			.log("{} {} for {}{}", event.action(), event.outcome(), event.subject(),
					(event.reason() != null) ? ": " + event.reason() : "");
	}

}
