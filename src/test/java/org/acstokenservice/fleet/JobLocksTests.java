package org.acstokenservice.fleet;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.acstokenservice.testsupport.IntegrationTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The locks that let one instance at a time run a background job, on a real PostgreSQL: a
 * job whose lock row another transaction holds gives up within the statement time-out
 * instead of waiting on it with a thread of the scheduler.
 */
@IntegrationTest
class JobLocksTests {

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
		Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@Test
	void lockWhenItsRowIsHeldByAnotherTransactionThenGivesUpWithinTheTimeout() throws Exception {
		LockProvider locks = new FleetConfiguration().lockProvider(postgres.getPostgresDatabase());
		LockConfiguration job = new LockConfiguration(Instant.now(), "held-job", Duration.ofMinutes(10), Duration.ZERO);
		locks.lock(job).orElseThrow().unlock();
		try (Connection holder = postgres.getPostgresDatabase().getConnection();
				Statement hold = holder.createStatement()) {
			holder.setAutoCommit(false);
			hold.execute("select * from shedlock where name = 'held-job' for update");

			long start = System.nanoTime();
			Optional<SimpleLock> lock = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
				try {
					return locks
						.lock(new LockConfiguration(Instant.now(), "held-job", Duration.ofMinutes(10), Duration.ZERO));
				}
				catch (RuntimeException ex) {
					return Optional.empty();
				}
			});

			assertThat(lock).as("not taken while another holds it").isEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - start))
				.isLessThan(Duration.ofSeconds(FleetConfiguration.LOCK_STATEMENT_TIMEOUT_SECONDS + 2));
			holder.rollback();
		}
	}

}
