package org.acstokenservice.fleet;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * When a statement is tried once more, and when never: the decisions alone, on H2 or a
 * stand-in for the transaction manager. {@code PostgresLostConnectionTests} shows the
 * same on a real pool whose connections PostgreSQL ended.
 */
class FreshConnectionRetryTests {

	private final JdbcDataSource dataSource = h2();

	private final FreshConnectionRetry retry = new FreshConnectionRetry(this.dataSource,
			new TransactionTemplate(new DataSourceTransactionManager(this.dataSource)));

	private final AtomicInteger tries = new AtomicInteger();

	@Test
	void readWhenConnectionLostThenTriedOnceMore() {
		String read = this.retry.read(() -> failFirst(lost("57P01"), "read"));

		assertThat(read).isEqualTo("read");
		assertThat(this.tries).hasValue(2);
	}

	@Test
	void readWhenConnectionLostTwiceThenFailsAfterTheSecondTry() {
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(() -> this.retry.read(() -> {
			this.tries.incrementAndGet();
			throw lost("08006");
		}));
		assertThat(this.tries).hasValue(2);
	}

	@Test
	void readWhenOtherFailureThenNotTriedAgain() {
		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.retry.read(() -> failFirst(new DuplicateKeyException("taken"), "read")));
		assertThat(this.tries).hasValue(1);
	}

	@Test
	void readWhenNoConnectionCouldBeHadThenNotTriedAgain() {
		/* Hikari's time-out carries the state of the last refused connection: 08001. */
		CannotGetJdbcConnectionException noConnection = new CannotGetJdbcConnectionException("pool timed out",
				new SQLTransientConnectionException("request timed out after 1500ms", "08001"));

		assertThatExceptionOfType(CannotGetJdbcConnectionException.class)
			.isThrownBy(() -> this.retry.read(() -> failFirst(noConnection, "read")));
		assertThat(this.tries).hasValue(1);
	}

	@Test
	void readWhenNetworkSilentUntilTheSocketTimeOutThenNotTriedAgain() {
		SQLException timedOut = new SQLException("An I/O error occurred while sending to the backend.", "08006",
				new SocketTimeoutException("Read timed out"));

		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(() -> this.retry
			.read(() -> failFirst(new DataAccessResourceFailureException("lost", timedOut), "read")));
		assertThat(this.tries).hasValue(1);
	}

	@Test
	void transactionWhenConnectionLostBeforeCommitThenRunAgainFromItsStart() {
		String written = this.retry.execute((status) -> failFirst(lost("08006"), "written"));

		assertThat(written).isEqualTo("written");
		assertThat(this.tries).hasValue(2);
	}

	@Test
	void transactionWhenCommitFailedThenNotRunAgain() {
		/* The server may have committed before the connection was lost: never twice. */
		TransactionOperations commitLost = new TransactionOperations() {

			@Override
			public <T> T execute(org.springframework.transaction.support.TransactionCallback<T> action) {
				action.doInTransaction(new SimpleTransactionStatus());
				throw lost("08006");
			}

		};
		FreshConnectionRetry retry = new FreshConnectionRetry(this.dataSource, commitLost);

		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> retry.execute((status) -> this.tries.incrementAndGet()));
		assertThat(this.tries).hasValue(1);
	}

	@Test
	void readWhenInsideATransactionThenTheWholeTransactionRunsAgain() {
		AtomicInteger outerRuns = new AtomicInteger();

		String read = this.retry.execute((outer) -> {
			outerRuns.incrementAndGet();
			return this.retry.read(() -> failFirst(lost("08006"), "read"));
		});

		assertThat(read).isEqualTo("read");
		assertThat(outerRuns).as("not again on the outer transaction's dead connection, but all of it").hasValue(2);
		assertThat(this.tries).hasValue(2);
	}

	private String failFirst(RuntimeException failure, String result) {
		if (this.tries.incrementAndGet() == 1) {
			throw failure;
		}
		return result;
	}

	private static DataAccessResourceFailureException lost(String sqlState) {
		return new DataAccessResourceFailureException("lost",
				new SQLException("FATAL: terminating connection due to administrator command", sqlState));
	}

	private static JdbcDataSource h2() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		return dataSource;
	}

}
