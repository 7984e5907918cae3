package org.acstokenservice.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Token buckets in PostgreSQL ({@code rate_limit_bucket}), shared by every instance:
 * Bucket4j locks a bucket's row ({@code select … for update}) while it takes a token, so
 * that concurrent requests on any instances take from one allowance.
 * <p>
 * A bucket refills by the time that passes between two uses, and the two uses may be on
 * different instances: with one instance's clock a minute ahead, a bucket would refill a
 * minute's worth each time the fleet switched between them. The buckets therefore read
 * the database's clock, estimated from this instance's clock and an offset measured
 * against the database every minute; an offset above a second is logged and exposed as
 * {@code acs.clock.offset}.
 */
class PostgreSqlBucketStore implements BucketStore {

	private static final Logger logger = LoggerFactory.getLogger(PostgreSqlBucketStore.class);

	static final String TABLE = "rate_limit_bucket";

	/** Kept after a bucket is full again, for clocks that still differ by a little. */
	private static final Duration KEEP_AFTER_FULL = Duration.ofMinutes(1);

	/**
	 * Each statement's time-out. A user's concurrent requests wait in turn for their
	 * bucket's row; on an overloaded machine that wait took over 2 s, and a request that
	 * would have been slow got 503 instead. A database that is down fails faster: the
	 * pool's connection time-out.
	 */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration REPORTED_OFFSET = Duration.ofSeconds(1);

	private final JdbcClient jdbc;

	private final Clock clock;

	private final DatabaseTime time = new DatabaseTime();

	private final ProxyManager<String> buckets;

	PostgreSqlBucketStore(DataSource dataSource, Clock clock, MeterRegistry meters) {
		this.jdbc = JdbcClient.create(dataSource);
		this.clock = clock;
		this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
			.primaryKeyMapper(PrimaryKeyMapper.STRING)
			.table(TABLE)
			.idColumn("id")
			.stateColumn("state")
			.expiresAtColumn("expires_at")
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
			.clientClock(this.time)
			.requestTimeout(REQUEST_TIMEOUT)
			.build();
		Gauge.builder("acs.clock.offset", this.time, (time) -> time.offsetMillis / 1000.0)
			.description("How far the database's clock is ahead of this instance's, as last measured")
			.baseUnit("seconds")
			.register(meters);
		synchronizeClock();
	}

	@Override
	public Optional<Duration> tryConsume(String key, BucketConfiguration configuration) {
		try {
			ConsumptionProbe probe = this.buckets.getProxy(key, () -> configuration).tryConsumeAndReturnRemaining(1);
			return probe.isConsumed() ? Optional.empty()
					: Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
		}
		catch (RuntimeException ex) {
			// Bucket4j wraps the driver's SQLException: no bucket, no decision.
			throw new DataAccessResourceFailureException("The shared rate limits cannot be reached", ex);
		}
	}

	/**
	 * Measures how far the database's clock is from this instance's: half-way through the
	 * round trip, to within half of it.
	 */
	void synchronizeClock() {
		try {
			long before = this.clock.millis();
			OffsetDateTime database = this.jdbc.sql("select clock_timestamp()").query(OffsetDateTime.class).single();
			long after = this.clock.millis();
			long offset = database.toInstant().toEpochMilli() - (before + after) / 2;
			boolean wasReported = Math.abs(this.time.offsetMillis) > REPORTED_OFFSET.toMillis();
			this.time.offsetMillis = offset;
			if (Math.abs(offset) > REPORTED_OFFSET.toMillis() && !wasReported) {
				logger.warn("This instance's clock is {} ms {} the database's; the shared limits use the database's",
						Math.abs(offset), (offset > 0) ? "behind" : "ahead of");
			}
		}
		catch (DataAccessException ex) {
			// The last offset stands; requests will say whether the database is back.
			logger.debug("Could not read the database's clock: {}", ex.getMessage());
		}
	}

	/**
	 * Deletes buckets that are full again: a full bucket and a missing one mean the same.
	 * @return how many were deleted
	 */
	int deleteFullBuckets() {
		long now = TimeUnit.NANOSECONDS.toMillis(this.time.currentTimeNanos());
		return this.jdbc
			.sql("delete from " + TABLE + " where id in (select id from " + TABLE
					+ " where expires_at < ? limit 1000 for update skip locked)")
			.param(now)
			.update();
	}

	/** The database's time, as this instance estimates it. */
	private final class DatabaseTime implements TimeMeter {

		private volatile long offsetMillis;

		@Override
		public long currentTimeNanos() {
			return TimeUnit.MILLISECONDS.toNanos(PostgreSqlBucketStore.this.clock.millis() + this.offsetMillis);
		}

		@Override
		public boolean isWallClockBased() {
			return true;
		}

	}

}
