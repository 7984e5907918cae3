package org.acstokenservice.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The change feed on PostgreSQL's {@code LISTEN}/{@code NOTIFY}: it listens on a
 * connection of its own, and sends its heartbeats through the application's pool.
 * <p>
 * PostgreSQL delivers the notifications to a listener in the order their transactions
 * committed. So every {@code heartbeat} the feed sends itself a notification, and when it
 * comes back, every change committed before it was sent has been delivered. The heartbeat
 * takes the path that the writers' changes take (a pooled connection of the application),
 * not the listening connection: behind a pooler, or after a failover that left the
 * listener on another server, a heartbeat sent on the listening connection would prove
 * only that the listener hears itself. The feed is {@linkplain #upToDate() up to date}
 * while the last heartbeat that came back was sent less than {@code maxDelay} ago. A
 * change committed at {@code c} is therefore heard by every up-to-date instance by
 * {@code c + maxDelay}, whatever their clocks say (only each instance's own elapsed time
 * is compared). While the connection is down or slow, the feed is not up to date and
 * subscribers read the database; when it comes back, subscribers forget everything, since
 * changes may have been missed.
 */
class PostgreSqlChangeFeed implements ChangeFeed, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PostgreSqlChangeFeed.class);

	/** The listening connection's name in {@code pg_stat_activity}. */
	static final String APPLICATION_NAME = "acs-fleet-changes";

	private static final String HEARTBEAT = "heartbeat:";

	private static final Duration RECONNECT_DELAY = Duration.ofMillis(500);

	private final PostgreSqlConnection database;

	/** The application's pool: the writers' path. */
	private final JdbcClient writers;

	private final long heartbeatNanos;

	private final long maxDelayNanos;

	private final String instance = UUID.randomUUID().toString();

	private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();

	private final Heartbeats outstanding;

	private final AtomicLong sequence = new AtomicLong();

	/** When the last heartbeat that came back was sent; {@code null} until one has. */
	private volatile @Nullable Long confirmedSentAt;

	private final Counter reconnects;

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	private volatile @Nullable Connection connection;

	/** Enforces the listening connection's network time-out. */
	private final ExecutorService timeouts = Executors.newSingleThreadExecutor(daemon("fleet-changes-timeout"));

	/** Sends the heartbeats, so that a slow pool never delays what the listener hears. */
	private final ScheduledExecutorService heartbeats = Executors
		.newSingleThreadScheduledExecutor(daemon("fleet-changes-heartbeat"));

	/**
	 * @param database how to open the listening connection
	 * @param writers the application's pool, through which the heartbeats go
	 */
	PostgreSqlChangeFeed(PostgreSqlConnection database, JdbcClient writers, Duration heartbeat, Duration maxDelay,
			MeterRegistry meters) {
		this.database = database;
		this.writers = writers;
		this.heartbeatNanos = heartbeat.toNanos();
		this.maxDelayNanos = maxDelay.toNanos();
		this.outstanding = new Heartbeats(this.maxDelayNanos);
		this.reconnects = Counter.builder("acs.fleet.changes.reconnects")
			.description("Times the change feed's listening connection was opened again")
			.register(meters);
		Gauge.builder("acs.fleet.changes.delay", this, PostgreSqlChangeFeed::secondsSinceConfirmed)
			.description(
					"Age of the last heartbeat heard back: above token-service.fleet.changes.max-delay, every request reads "
							+ "the database")
			.baseUnit("seconds")
			.register(meters);
	}

	@Override
	public boolean upToDate() {
		Long confirmed = this.confirmedSentAt;
		return confirmed != null && System.nanoTime() - confirmed < this.maxDelayNanos;
	}

	@Override
	public void subscribe(String topic, Listener listener) {
		this.listeners.computeIfAbsent(topic, (unused) -> new CopyOnWriteArrayList<>()).add(listener);
	}

	@Override
	public void awaitPropagation(long committedAt) {
		long wait = committedAt + this.maxDelayNanos - System.nanoTime();
		if (wait > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void start() {
		this.running = true;
		Thread listening = new Thread(this::listen, "fleet-changes");
		listening.setDaemon(true);
		this.thread = listening;
		listening.start();
		this.heartbeats.scheduleWithFixedDelay(this::sendHeartbeat, 0, this.heartbeatNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		this.heartbeats.shutdownNow();
		closeQuietly();
		this.timeouts.shutdown();
		Thread listening = this.thread;
		if (listening != null) {
			listening.interrupt();
			try {
				listening.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void listen() {
		boolean first = true;
		while (this.running) {
			try (Connection listening = connect()) {
				this.connection = listening;
				if (!first) {
					this.reconnects.increment();
					logger.info("The change feed listens again; what was kept in memory is forgotten");
				}
				// Anything may have changed while nobody listened.
				forgetAll();
				first = false;
				listenOn(listening);
			}
			catch (SQLException | RuntimeException ex) {
				this.confirmedSentAt = null;
				if (this.running) {
					logger.warn("The change feed lost its connection ({}); requests read the database until it is back",
							ex.getMessage());
				}
			}
			finally {
				this.connection = null;
			}
			pause(RECONNECT_DELAY);
		}
	}

	private Connection connect() throws SQLException {
		Properties properties = new Properties();
		if (this.database.username() != null) {
			properties.setProperty("user", this.database.username());
		}
		if (this.database.password() != null) {
			properties.setProperty("password", this.database.password());
		}
		properties.setProperty("ApplicationName", APPLICATION_NAME);
		properties.setProperty("connectTimeout", "2");
		Connection listening = DriverManager.getConnection(this.database.url(), properties);
		// A silent network would otherwise block the heartbeat for the OS's time-out.
		listening.setNetworkTimeout(this.timeouts, 2000);
		listening.setAutoCommit(true);
		try (Statement listen = listening.createStatement()) {
			listen.execute("LISTEN " + CHANNEL);
		}
		return listening;
	}

	private void listenOn(Connection listening) throws SQLException {
		PGConnection notifications = listening.unwrap(PGConnection.class);
		long nextProbe = System.nanoTime();
		// A dead connection fails here within the network time-out, and is opened again.
		try (PreparedStatement alive = listening.prepareStatement("select 1")) {
			while (this.running) {
				long now = System.nanoTime();
				if (now >= nextProbe) {
					alive.execute();
					nextProbe = now + this.heartbeatNanos;
				}
				int wait = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextProbe - System.nanoTime()));
				PGNotification[] received = notifications.getNotifications(wait);
				if (received != null) {
					for (PGNotification notification : received) {
						deliver(notification.getParameter());
					}
				}
			}
		}
	}

	/**
	 * One heartbeat through the application's pool, while the feed listens: a failure
	 * only means that no heartbeat comes back, so the feed is not trusted.
	 */
	private void sendHeartbeat() {
		if (this.connection == null) {
			return;
		}
		try {
			long sequence = this.sequence.incrementAndGet();
			this.outstanding.sent(sequence, System.nanoTime());
			this.writers.sql("select pg_notify(?, ?)")
				.param(CHANNEL)
				.param(HEARTBEAT + this.instance + ':' + sequence)
				.query((row, number) -> number)
				.list();
		}
		catch (RuntimeException ex) {
			// Caught, or the executor would send no heartbeat again.
			logger.debug("The change feed's heartbeat could not be sent", ex);
		}
	}

	/**
	 * One notification, in the order committed: changes first, then what they confirm.
	 */
	void deliver(String payload) {
		if (payload.startsWith(HEARTBEAT)) {
			String own = HEARTBEAT + this.instance + ':';
			if (payload.startsWith(own)) {
				confirm(Long.parseLong(payload.substring(own.length())));
			}
			return;
		}
		int colon = payload.indexOf(':');
		if (colon < 0) {
			return;
		}
		List<Listener> subscribed = this.listeners.get(payload.substring(0, colon));
		if (subscribed != null) {
			String key = payload.substring(colon + 1);
			for (Listener listener : subscribed) {
				listener.changed(key);
			}
		}
	}

	private void confirm(long sequence) {
		Long sentAt = this.outstanding.heardBack(sequence);
		if (sentAt == null) {
			return;
		}
		Long confirmed = this.confirmedSentAt;
		if (confirmed == null || sentAt > confirmed) {
			this.confirmedSentAt = sentAt;
		}
	}

	private void forgetAll() {
		this.confirmedSentAt = null;
		this.outstanding.clear();
		this.listeners.values().forEach((subscribed) -> subscribed.forEach(Listener::forgetAll));
	}

	private double secondsSinceConfirmed() {
		Long confirmed = this.confirmedSentAt;
		return (confirmed != null) ? (System.nanoTime() - confirmed) / 1e9 : Double.NaN;
	}

	/** Closes the listening connection, so that the feed opens another: for tests. */
	void closeQuietly() {
		Connection listening = this.connection;
		if (listening != null) {
			try {
				listening.close();
			}
			catch (SQLException ex) {
				logger.debug("Could not close the change feed's connection", ex);
			}
		}
	}

	private static ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	private void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
