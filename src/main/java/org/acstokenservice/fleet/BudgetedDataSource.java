package org.acstokenservice.fleet;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.jspecify.annotations.Nullable;
import org.postgresql.jdbc.PgStatement;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A pool whose connections, handed to a thread that serves a request, count against the
 * request's {@link DatabaseBudget}: the wait for a connection and every statement end
 * when the budget does, and the time the connection is held is spent from it. Other
 * threads get the pool's connections as they are.
 * <p>
 * The wait for a connection is the pool's own time-out or the budget's rest, whichever is
 * shorter. A statement's time-out is lowered to the budget's rest just before it runs, in
 * milliseconds on PostgreSQL (JDBC's own time-out takes whole seconds); the socket's
 * time-out follows it, with {@value #SOCKET_SLACK_MILLIS} ms more for the cancelled
 * statement's answer, so that a network that dropped silently ends the wait too.
 */
public final class BudgetedDataSource extends DelegatingDataSource implements AutoCloseable {

	static final int SOCKET_SLACK_MILLIS = 500;

	private final long connectionTimeoutNanos;

	/**
	 * @param pool the pool to take connections from, closed with this one
	 */
	public BudgetedDataSource(DataSource pool) {
		super(pool);
		this.connectionTimeoutNanos = (pool instanceof HikariDataSource hikari)
				? TimeUnit.MILLISECONDS.toNanos(hikari.getConnectionTimeout()) : Long.MAX_VALUE;
	}

	@Override
	public Connection getConnection() throws SQLException {
		if (!DatabaseBudget.isOpen()) {
			return obtainTargetDataSource().getConnection();
		}
		DatabaseBudget.Wait held = DatabaseBudget.waiting();
		try {
			long bound = Math.min(this.connectionTimeoutNanos, DatabaseBudget.remainingNanos());
			if (bound <= 0) {
				throw new SQLTransientConnectionException(spent());
			}
			Connection connection = connection(bound);
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					new HeldConnection(connection, held));
		}
		catch (SQLException | RuntimeException | Error ex) {
			held.close();
			throw ex;
		}
	}

	private Connection connection(long boundNanos) throws SQLException {
		DataSource target = obtainTargetDataSource();
		if (boundNanos < this.connectionTimeoutNanos && target instanceof HikariDataSource hikari
				&& hikari.getHikariPoolMXBean() instanceof HikariPool pool) {
			return pool.getConnection(Math.max(1, TimeUnit.NANOSECONDS.toMillis(boundNanos)));
		}
		return target.getConnection();
	}

	@Override
	public void close() {
		if (getTargetDataSource() instanceof HikariDataSource hikari) {
			hikari.close();
		}
	}

	private static String spent() {
		return "The request has waited its " + DatabaseBudget.PER_REQUEST.toMillis() + " ms for the database";
	}

	/**
	 * Lowers the statement's time-out, and the socket's, to what is left of the budget.
	 */
	static void limit(Statement statement, Connection connection) throws SQLException {
		long remaining = DatabaseBudget.remainingNanos();
		if (remaining == Long.MAX_VALUE) {
			return;
		}
		if (remaining <= 0) {
			throw new SQLTimeoutException(spent());
		}
		long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
		if (statement.isWrapperFor(PgStatement.class)) {
			PgStatement postgreSql = statement.unwrap(PgStatement.class);
			long own = postgreSql.getQueryTimeoutMs();
			if (own == 0 || own > millis) {
				postgreSql.setQueryTimeoutMs(millis);
			}
			int socket = (int) Math.min(Integer.MAX_VALUE, millis + SOCKET_SLACK_MILLIS);
			int ownSocket = connection.getNetworkTimeout();
			if (ownSocket == 0 || ownSocket > socket) {
				connection.setNetworkTimeout(Runnable::run, socket);
			}
			return;
		}
		int seconds = (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
		int own = statement.getQueryTimeout();
		if (own == 0 || own > seconds) {
			statement.setQueryTimeout(seconds);
		}
	}

	private static @Nullable Object invoke(Object target, Method method, @Nullable Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	/** A connection whose hold counts against the budget, until it is closed. */
	private record HeldConnection(Connection connection, DatabaseBudget.Wait held) implements InvocationHandler {

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
			switch (method.getName()) {
				case "close" -> {
					try {
						return BudgetedDataSource.invoke(this.connection, method, args);
					}
					finally {
						this.held.close();
					}
				}
				case "equals" -> {
					return args != null && proxy == args[0];
				}
				case "hashCode" -> {
					return System.identityHashCode(proxy);
				}
				case "toString" -> {
					return "budgeted " + this.connection;
				}
				default -> {
					Object result = BudgetedDataSource.invoke(this.connection, method, args);
					if (result instanceof Statement statement && method.getReturnType().isInterface()) {
						return Proxy.newProxyInstance(BudgetedDataSource.class.getClassLoader(),
								new Class<?>[] { method.getReturnType() },
								new LimitedStatement(statement, this.connection));
					}
					return result;
				}
			}
		}

	}

	/** A statement whose time-out is lowered to the budget's rest before each run. */
	private record LimitedStatement(Statement statement, Connection connection) implements InvocationHandler {

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
			if (method.getName().startsWith("execute")) {
				limit(this.statement, this.connection);
			}
			return BudgetedDataSource.invoke(this.statement, method, args);
		}

	}

}
