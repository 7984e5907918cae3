package org.acstokenservice.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How far the database's clock is from this instance's, measured every minute and exposed
 * as {@code acs.clock.offset}. The fleet's shared state (buckets, deletion schedules, job
 * locks) runs on the database's clock, so an offset does no harm there; but tokens'
 * expiry checks and log times use the instance's, and an offset above a second is worth
 * an operator's look (it is logged once per episode).
 */
class DatabaseClock {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseClock.class);

	private static final Duration REPORTED_OFFSET = Duration.ofSeconds(1);

	private final JdbcClient jdbc;

	private final Clock clock;

	private volatile long offsetMillis;

	DatabaseClock(JdbcClient jdbc, Clock clock, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.clock = clock;
		Gauge.builder("acs.clock.offset", this, (measured) -> measured.offsetMillis / 1000.0)
			.description("How far the database's clock is ahead of this instance's, as last measured")
			.baseUnit("seconds")
			.register(meters);
	}

	/**
	 * Measures the offset: half-way through the round trip, to within half of it.
	 */
	void measure() {
		try {
			long before = this.clock.millis();
			OffsetDateTime database = this.jdbc.sql("select current_timestamp").query(OffsetDateTime.class).single();
			long after = this.clock.millis();
			long offset = database.toInstant().toEpochMilli() - (before + after) / 2;
			boolean wasReported = Math.abs(this.offsetMillis) > REPORTED_OFFSET.toMillis();
			this.offsetMillis = offset;
			if (Math.abs(offset) > REPORTED_OFFSET.toMillis() && !wasReported) {
				logger.warn("This instance's clock is {} ms {} the database's; the fleet's shared state uses the "
						+ "database's", Math.abs(offset), (offset > 0) ? "behind" : "ahead of");
			}
		}
		catch (DataAccessException ex) {
			// The last offset stands; requests will say whether the database is back.
			logger.debug("Could not read the database's clock: {}", ex.getMessage());
		}
	}

}
