package org.acstokenservice.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Reuse hits counted, not rowed: each hit adds one to its user's tally for the resource
 * and period in memory (no statement, no queue), and every {@code flushInterval} the
 * tallies are added to their rows in one statement per 500 ({@link ReuseHitRows}). A row
 * per user, resource and period for the whole fleet: an hour of a user's page loads is
 * one row, not one per load.
 * <p>
 * What empties the tallies: each flush takes them all; at 1,000 hits a second they hold
 * at most the distinct users of one interval (10,000 in 10 s). While the database is out,
 * a flush that failed puts its tallies back, up to {@value #MAX_TALLIES} keys; hits of
 * further users are then only counted in {@code acs.audit.reuse.untallied}. A killed
 * process loses the counts since its last flush; a stopped one writes them first.
 */
class ReuseHits implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ReuseHits.class);

	static final int MAX_TALLIES = 200_000;

	private final ReuseHitRows rows;

	private final ReuseHitProperties properties;

	private final Clock clock;

	/** Counting takes the read lock, the flush's swap the write lock. */
	private final ReadWriteLock swap = new ReentrantReadWriteLock();

	private volatile Map<Key, Tally> tallies = new ConcurrentHashMap<>();

	private final Counter untallied;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	ReuseHits(ReuseHitRows rows, ReuseHitProperties properties, Clock clock, MeterRegistry meters) {
		this.rows = rows;
		this.properties = properties;
		this.clock = clock;
		this.untallied = Counter.builder("acs.audit.reuse.untallied")
			.description("Reuse hits not counted in the trail: too many users' counts waited for the database")
			.register(meters);
		Gauge.builder("acs.audit.reuse.tallies", this, (hits) -> hits.tallies.size())
			.description("Users' reuse counts waiting to be added to the trail")
			.register(meters);
	}

	/** Counts one reuse hit of the entry's user in its resource, now. */
	void count(AuditEntry entry, @Nullable String communicationUserId) {
		Instant now = this.clock.instant();
		long periodMillis = this.properties.period().toMillis();
		Instant period = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), periodMillis) * periodMillis);
		Key key = new Key(String.valueOf(entry.subject()), entry.resource(), period);
		this.swap.readLock().lock();
		try {
			Map<Key, Tally> current = this.tallies;
			if (current.size() >= MAX_TALLIES && !current.containsKey(key)) {
				this.untallied.increment();
				return;
			}
			current.compute(key, (unused, tally) -> ((tally == null) ? new Tally(entry.actor(), now) : tally).add(now,
					communicationUserId, entry.detail()));
		}
		finally {
			this.swap.readLock().unlock();
		}
	}

	/** Adds every tally to its row now. */
	synchronized void flush() {
		Map<Key, Tally> taken;
		this.swap.writeLock().lock();
		try {
			taken = this.tallies;
			if (taken.isEmpty()) {
				return;
			}
			this.tallies = new ConcurrentHashMap<>();
		}
		finally {
			this.swap.writeLock().unlock();
		}
		write(taken);
	}

	/**
	 * Adds one user's tallies to their rows now: what a reader of their trail, or their
	 * erasure, must see; the other users' wait for the next flush.
	 */
	synchronized void flush(String subject) {
		Map<Key, Tally> taken = new HashMap<>();
		this.swap.readLock().lock();
		try {
			this.tallies.entrySet().removeIf((entry) -> {
				boolean theirs = entry.getKey().subject().equals(subject);
				if (theirs) {
					taken.put(entry.getKey(), entry.getValue());
				}
				return theirs;
			});
		}
		finally {
			this.swap.readLock().unlock();
		}
		if (!taken.isEmpty()) {
			write(taken);
		}
	}

	private void write(Map<Key, Tally> taken) {
		List<ReuseHitRows.Row> batch = new ArrayList<>(taken.size());
		taken.forEach((key, tally) -> batch.add(tally.row(key)));
		try {
			this.rows.add(batch);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not add {} users' reuse counts to the audit trail; trying again", batch.size(), ex);
			putBack(taken);
		}
	}

	private void putBack(Map<Key, Tally> taken) {
		this.swap.readLock().lock();
		try {
			Map<Key, Tally> current = this.tallies;
			taken.forEach((key, tally) -> {
				if (current.size() < MAX_TALLIES || current.containsKey(key)) {
					current.merge(key, tally, Tally::merge);
				}
				else {
					this.untallied.increment(tally.count);
				}
			});
		}
		finally {
			this.swap.readLock().unlock();
		}
	}

	private void flushQuietly() {
		try {
			flush();
		}
		catch (RuntimeException ex) {
			logger.warn("Reuse counts not flushed", ex);
		}
	}

	@Override
	public void start() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("audit-reuse-");
		threads.setDaemon(true);
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(threads);
		long every = this.properties.flushInterval().toMillis();
		executor.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
		}
		flushQuietly();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * After the web server has finished its requests, before the database pool closes.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	private record Key(String subject, @Nullable String resource, Instant period) {
	}

	/** One user's hits in one resource and period; guarded by its map's compute. */
	private static final class Tally {

		private final @Nullable String actor;

		private long count;

		private Instant first;

		private Instant last;

		private @Nullable String communicationUserId;

		private @Nullable String detail;

		Tally(@Nullable String actor, Instant first) {
			this.actor = actor;
			this.first = first;
			this.last = first;
		}

		Tally add(Instant at, @Nullable String communicationUserId, @Nullable String detail) {
			this.count++;
			this.last = at.isAfter(this.last) ? at : this.last;
			this.communicationUserId = communicationUserId;
			this.detail = detail;
			return this;
		}

		Tally merge(Tally newer) {
			this.count += newer.count;
			this.first = newer.first.isBefore(this.first) ? newer.first : this.first;
			this.last = newer.last.isAfter(this.last) ? newer.last : this.last;
			this.communicationUserId = newer.communicationUserId;
			this.detail = newer.detail;
			return this;
		}

		ReuseHitRows.Row row(Key key) {
			return new ReuseHitRows.Row(key.period().atOffset(ZoneOffset.UTC), this.actor, key.subject(),
					this.communicationUserId, this.detail, key.resource(), this.count,
					this.first.atOffset(ZoneOffset.UTC), this.last.atOffset(ZoneOffset.UTC));
		}

	}

}
