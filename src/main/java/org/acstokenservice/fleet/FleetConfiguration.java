package org.acstokenservice.fleet;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the instances of a fleet share through the database: the feed of changes, the
 * database's clock, and the locks that let one instance at a time run a background job.
 * The rate limits' buckets, which the fleet shares too, are {@code ratelimit/}'s.
 */
@Configuration(proxyBeanMethods = false)
/*
 * One switch for the background jobs (deletion retries, audit retention, bucket
 * clean-up); each runs on one instance at a time, and a lock outlives a dead instance by
 * 10 min at most.
 */
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "10m")
@EnableConfigurationProperties(FleetProperties.class)
class FleetConfiguration {

	/**
	 * How long a statement of the jobs' locks may take, as any statement of a request.
	 */
	static final int LOCK_STATEMENT_TIMEOUT_SECONDS = 1;

	/**
	 * How an instance hears of what other instances change: PostgreSQL's
	 * {@code LISTEN}/{@code NOTIFY}, its heartbeats sent through the application's pool
	 * as the writers' changes are; on any other database (one instance) nothing to hear.
	 */
	@Bean
	ChangeFeed changeFeed(DataSource dataSource, JdbcClient jdbc, FleetProperties properties, MeterRegistry meters) {
		FleetProperties.Changes changes = properties.changes();
		return PostgreSqlConnection.of(dataSource)
			.<ChangeFeed>map((database) -> new PostgreSqlChangeFeed(database, jdbc, changes.heartbeat(),
					changes.maxDelay(), meters))
			.orElseGet(LocalChangeFeed::new);
	}

	@Bean
	DatabaseClock databaseClock(JdbcClient jdbc, Clock clock, MeterRegistry meters) {
		return new DatabaseClock(jdbc, clock, meters);
	}

	@Bean
	FleetMaintenance fleetMaintenance(DatabaseClock clock) {
		return new FleetMaintenance(clock);
	}

	/**
	 * Every transaction of the application, and the reads that ask for it, tried once
	 * more on a fresh connection when a pooled connection had died; Boot's own
	 * {@code TransactionTemplate} steps aside for it.
	 */
	@Bean
	FreshConnectionRetry transactionOperations(DataSource dataSource, PlatformTransactionManager transactionManager) {
		return new FreshConnectionRetry(dataSource, new TransactionTemplate(transactionManager));
	}

	/**
	 * The background jobs' lock rows ({@code shedlock}), on the database's clock: a job
	 * annotated {@code @SchedulerLock} runs on one instance of the fleet at a time.
	 */
	@Bean
	LockProvider lockProvider(DataSource dataSource) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		// A held lock row or a slow database never holds a job's thread longer.
		jdbc.setQueryTimeout(LOCK_STATEMENT_TIMEOUT_SECONDS);
		return new JdbcTemplateLockProvider(
				JdbcTemplateLockProvider.Configuration.builder().withJdbcTemplate(jdbc).usingDbTime().build());
	}

	@Bean
	DatabaseBudgetFilter databaseBudgetFilter() {
		return new DatabaseBudgetFilter();
	}

	/**
	 * The application's pool, its connections counted against a request's budget: ahead
	 * of the tracing's post-processor, which wraps it in turn, so that its spans still
	 * see every connection and statement.
	 */
	@Bean
	static BeanPostProcessor budgetedDataSource() {
		return new BudgetedPool();
	}

	private static final class BudgetedPool implements BeanPostProcessor, Ordered {

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			return (bean instanceof HikariDataSource pool && "dataSource".equals(beanName))
					? new BudgetedDataSource(pool) : bean;
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

	/** Measures the database's clock against this instance's. */
	public static class FleetMaintenance {

		private final DatabaseClock clock;

		FleetMaintenance(DatabaseClock clock) {
			this.clock = clock;
		}

		@Scheduled(fixedDelay = 1, initialDelay = 0, timeUnit = TimeUnit.MINUTES)
		public void measureClock() {
			this.clock.measure();
		}

	}

}
