package org.acstokenservice.fleet;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tries a statement once more, on a fresh connection, when the pooled connection it ran
 * on had died: after PostgreSQL restarts, or an administrator ends its backends, every
 * connection in the pool is dead, and Hikari checks one before handing it out only when
 * it has been idle for more than 500 ms. Without this, the first requests after a restart
 * fail on connections that died with the server.
 * <p>
 * Tried again only where that is safe:
 * <ul>
 * <li>a read ({@link #read}), which changes nothing;</li>
 * <li>a transaction ({@link #execute}) whose connection was lost <em>before</em> its
 * commit: the server rolls back whatever a lost connection had not committed, so the
 * whole transaction runs again from its start.</li>
 * </ul>
 * A failure of the commit itself is never tried again: the server may have committed
 * before the connection was lost, and running the work again could apply it twice (a
 * second revocation, a second queued deletion). For the same reason a write must run in a
 * transaction to be tried again: a statement in auto-commit mode commits as it runs, so
 * its loss is as ambiguous as a lost commit.
 * <p>
 * Nothing is tried again when no connection could be had (the pool already waited its
 * {@code connection-timeout}), when the network stayed silent until the socket time-out
 * (another wait as long would not help), or inside a transaction that someone else began
 * (its connection is the dead one; the outermost transaction decides). Before the second
 * try, the pool's idle connections are evicted: they most likely died with the one that
 * failed, and the second try must not be handed one of them.
 */
public class FreshConnectionRetry implements TransactionOperations {

	private static final Logger logger = LoggerFactory.getLogger(FreshConnectionRetry.class);

	/**
	 * PostgreSQL ended the backend: an administrator's command or a shutdown, a crash of
	 * another backend. Class 08 (connection exception) is recognised by its prefix.
	 */
	private static final Set<String> ENDED_BACKEND = Set.of("57P01", "57P02");

	private final DataSource dataSource;

	private final TransactionOperations transactions;

	/**
	 * @param dataSource the pool whose idle connections are evicted before a second try
	 * @param transactions how a transaction is run, on connections of that pool
	 */
	public FreshConnectionRetry(DataSource dataSource, TransactionOperations transactions) {
		this.dataSource = dataSource;
		this.transactions = transactions;
	}

	/**
	 * Runs a read, and once more on a fresh connection when its connection had died.
	 */
	public <T> T read(Supplier<T> read) {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			return read.get();
		}
		try {
			return read.get();
		}
		catch (RuntimeException ex) {
			if (!lostConnection(ex)) {
				throw ex;
			}
			prepareSecondTry(ex);
			return read.get();
		}
	}

	/**
	 * Runs the work in a transaction, and once more in a new one on a fresh connection
	 * when the connection died before the commit.
	 */
	@Override
	public <T extends @Nullable Object> T execute(TransactionCallback<T> action) throws TransactionException {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			return this.transactions.execute(action);
		}
		LostBeforeCommit lost = new LostBeforeCommit();
		try {
			Optional<Done<T>> done = this.transactions.execute((status) -> {
				try {
					return Optional.of(new Done<>(action.doInTransaction(status)));
				}
				catch (RuntimeException ex) {
					if (!lostConnection(ex)) {
						throw ex;
					}
					/*
					 * Rolled back rather than thrown: the rollback fails on the dead
					 * connection, and a template would log that as an error.
					 */
					lost.cause = ex;
					status.setRollbackOnly();
					return Optional.empty();
				}
			});
			if (done.isPresent()) {
				return done.get().result();
			}
		}
		catch (RuntimeException ex) {
			if (lost.cause == null) {
				throw ex;
			}
			/*
			 * The rollback of the lost transaction failed, as it does on a dead
			 * connection.
			 */
		}
		prepareSecondTry(Objects.requireNonNull(lost.cause));
		return this.transactions.execute(action);
	}

	/**
	 * Whether the exception says that the connection a statement ran on had died, rather
	 * than that no connection could be had or that the network stayed silent.
	 */
	static boolean lostConnection(Throwable ex) {
		boolean lost = false;
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof CannotGetJdbcConnectionException || cause instanceof CannotCreateTransactionException
					|| cause instanceof SocketTimeoutException) {
				return false;
			}
			if (cause instanceof SQLException sql) {
				lost |= lostConnection(sql);
			}
		}
		return lost;
	}

	private static boolean lostConnection(SQLException ex) {
		for (SQLException next = ex; next != null; next = next.getNextException()) {
			String state = next.getSQLState();
			if (state != null && (state.startsWith("08") || ENDED_BACKEND.contains(state))) {
				return true;
			}
			if (next.getNextException() == next) {
				break;
			}
		}
		return false;
	}

	private void prepareSecondTry(RuntimeException ex) {
		logger.info("A pooled database connection had died ({}); trying once more on a fresh one", rootMessage(ex));
		try {
			if (this.dataSource.isWrapperFor(HikariDataSource.class)) {
				HikariPoolMXBean pool = this.dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
				if (pool != null) {
					pool.softEvictConnections();
				}
			}
		}
		catch (SQLException unwrapFailed) {
			ex.addSuppressed(unwrapFailed);
		}
	}

	private static @Nullable String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getMessage();
	}

	/** What a transaction's work returned. */
	private record Done<T extends @Nullable Object>(T result) {
	}

	/** The failure of a transaction's work that showed its connection was lost. */
	private static final class LostBeforeCommit {

		@Nullable RuntimeException cause;

	}

}
