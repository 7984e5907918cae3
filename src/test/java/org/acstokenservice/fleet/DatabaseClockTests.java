package org.acstokenservice.fleet;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The database's clock against the instance's, on an H2 database in memory. */
class DatabaseClockTests {

	@Test
	void measureWhenInstanceClockAheadThenOffsetMeasuredAndExposed() {
		JdbcDataSource database = new JdbcDataSource();
		database.setURL("jdbc:h2:mem:" + UUID.randomUUID());
		SimpleMeterRegistry meters = new SimpleMeterRegistry();

		new DatabaseClock(JdbcClient.create(database), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)), meters)
			.measure();

		assertThat(meters.get("acs.clock.offset").gauge().value()).isCloseTo(-600, within(1.0));
	}

}
