package org.acstokenservice.ratelimit;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A background round of the shared buckets against a database that cannot be reached: it
 * stops at its first failed batch, and every grant stays to be told.
 */
class MirrorSyncTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final UnreachableDatabase database = new UnreachableDatabase();

	private final OrphanedGrants orphans = new OrphanedGrants(100_000, this.meters);

	private final MirrorSync sync = new MirrorSync(new BucketTable(this.database, this.meters, Duration.ofSeconds(5)),
			this.orphans, 3);

	@Test
	void roundWhenDatabaseUnreachableThenStopsAtTheFirstBatchAndKeepsEveryGrant() {
		BucketLimit limit = BucketLimit.background(10, Duration.ofMinutes(1));
		List<BucketMirror> mirrors = new ArrayList<>();
		for (int n = 0; n < 3 * MirrorSync.MAX_BATCH; n++) {
			BucketMirror mirror = new BucketMirror("sign-in:198.18.0." + n, limit);
			mirror.unsynced = 1;
			mirrors.add(mirror);
			this.orphans.add("sign-in:198.18.1." + n, 1, limit);
		}

		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> this.sync.round(mirrors));

		assertThat(this.database.attempts).as("connections asked for").hasValue(1);
		assertThat(mirrors).allSatisfy((mirror) -> {
			assertThat(mirror.unsynced).isOne();
			assertThat(mirror.sync).isNull();
		});
		assertThat(this.orphans.size()).isEqualTo(3 * MirrorSync.MAX_BATCH);
	}

	/** A database whose every connection attempt fails, as Hikari's time-out does. */
	private static final class UnreachableDatabase implements DataSource {

		final AtomicInteger attempts = new AtomicInteger();

		@Override
		public Connection getConnection() throws SQLException {
			this.attempts.incrementAndGet();
			throw new SQLTransientConnectionException("fleet-buckets - Connection is not available");
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

		@Override
		public PrintWriter getLogWriter() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void setLogWriter(PrintWriter out) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void setLoginTimeout(int seconds) {
			throw new UnsupportedOperationException();
		}

		@Override
		public int getLoginTimeout() {
			return 0;
		}

		@Override
		public Logger getParentLogger() {
			throw new UnsupportedOperationException();
		}

		@Override
		public <T> T unwrap(Class<T> iface) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean isWrapperFor(Class<?> iface) {
			return false;
		}

	}

}
