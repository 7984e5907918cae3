package org.acstokenservice.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A clock that stands still until a test moves it, so that waits computed from it are
 * exact (it has whole milliseconds, as the emulator's windows do). It starts at the real
 * now: requests signed with the real time stay within the emulator's 15 minutes of
 * tolerated skew.
 */
final class ManualClock extends Clock {

	private volatile Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	void advance(Duration by) {
		this.now = this.now.plus(by);
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("UTC only");
	}

}
