package org.acstokenservice.fleet;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The change feed's outstanding heartbeats stay few, whatever happens to them. */
class HeartbeatsTests {

	private static final long HEARTBEAT = TimeUnit.MILLISECONDS.toNanos(100);

	private static final long MAX_DELAY = TimeUnit.MILLISECONDS.toNanos(500);

	@Test
	void sentWhenNoneComesBackForADayThenAtMostMaxDelayOverHeartbeatKept() {
		Heartbeats heartbeats = new Heartbeats(MAX_DELAY);

		for (long sequence = 1; sequence <= 864_000; sequence++) {
			heartbeats.sent(sequence, sequence * HEARTBEAT);
		}

		assertThat(heartbeats.size()).isLessThanOrEqualTo((int) (MAX_DELAY / HEARTBEAT) + 1);
	}

	@Test
	void heardBackWhenInTimeThenItsSendingTimeAndEarlierOnesSuperseded() {
		Heartbeats heartbeats = new Heartbeats(MAX_DELAY);
		heartbeats.sent(1, HEARTBEAT);
		heartbeats.sent(2, 2 * HEARTBEAT);
		heartbeats.sent(3, 3 * HEARTBEAT);

		assertThat(heartbeats.heardBack(2)).isEqualTo(2 * HEARTBEAT);
		assertThat(heartbeats.heardBack(1)).as("superseded").isNull();
		assertThat(heartbeats.size()).isEqualTo(1);
	}

	@Test
	void heardBackWhenOutLongerThanTheMaximumDelayThenIgnored() {
		Heartbeats heartbeats = new Heartbeats(MAX_DELAY);
		heartbeats.sent(1, 0);
		heartbeats.sent(2, MAX_DELAY + HEARTBEAT);

		assertThat(heartbeats.heardBack(1)).isNull();
		assertThat(heartbeats.heardBack(2)).isEqualTo(MAX_DELAY + HEARTBEAT);
	}

}
