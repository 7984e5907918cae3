package org.acstokenservice.fleet;

import java.sql.Connection;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BudgetedDataSourceTests {

	private HikariDataSource pool;

	private BudgetedDataSource dataSource;

	@BeforeEach
	void start() {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		config.setMaximumPoolSize(1);
		config.setConnectionTimeout(5000);
		this.pool = new HikariDataSource(config);
		this.dataSource = new BudgetedDataSource(this.pool);
	}

	@AfterEach
	void stop() {
		this.dataSource.close();
	}

	@Test
	void getConnectionWhenPoolBusyThenWaitsTheBudgetsRestNotThePools() throws Exception {
		try (Connection busy = this.pool.getConnection();
				DatabaseBudget.Scope budget = DatabaseBudget.open(Duration.ofMillis(300))) {
			long start = System.nanoTime();

			assertThatExceptionOfType(SQLTransientConnectionException.class)
				.isThrownBy(() -> this.dataSource.getConnection());

			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			assertThat(DatabaseBudget.remainingNanos()).as("the wait was spent").isLessThanOrEqualTo(0);
		}
	}

	@Test
	void getConnectionWhenHeldThenTheHoldIsSpentAndAStatementAfterTheBudgetRefused() throws Exception {
		try (DatabaseBudget.Scope budget = DatabaseBudget.open(Duration.ofMillis(200))) {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.createStatement().executeQuery("select 1").close();
				Thread.sleep(250);

				assertThatExceptionOfType(SQLTimeoutException.class)
					.isThrownBy(() -> connection.createStatement().executeQuery("select 1"));
			}
			assertThat(DatabaseBudget.remainingNanos()).isLessThanOrEqualTo(0);
			assertThatExceptionOfType(SQLTransientConnectionException.class)
				.isThrownBy(() -> this.dataSource.getConnection());
		}
	}

	@Test
	void statementWhenBudgetLeftThenItsTimeOutLoweredToIt() throws Exception {
		try (DatabaseBudget.Scope budget = DatabaseBudget.open(Duration.ofMillis(1500));
				Connection connection = this.dataSource.getConnection()) {
			var statement = connection.createStatement();
			statement.setQueryTimeout(30);
			statement.executeQuery("select 1").close();

			assertThat(statement.getQueryTimeout()).as("whole seconds on H2").isEqualTo(2);
		}
	}

	@Test
	void getConnectionWhenNoRequestThenThePoolsOwn() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.isWrapperFor(HikariDataSource.class)).isFalse();
			assertThat(connection.getClass().getName()).contains("Hikari");
		}
	}

}
