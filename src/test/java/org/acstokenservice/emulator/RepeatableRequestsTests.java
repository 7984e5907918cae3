package org.acstokenservice.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.acstokenservice.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepeatableRequestsTests {

	private final AtomicInteger runs = new AtomicInteger();

	@Test
	void runWhenSameRequestIdThenActionRunsOnce() {
		RepeatableRequests<Integer> requests = new RepeatableRequests<>(10, Clock.systemUTC());
		assertThat(requests.run("a", this.runs::incrementAndGet)).isEqualTo(1);
		assertThat(requests.run("a", this.runs::incrementAndGet)).isEqualTo(1);
		assertThat(requests.run("b", this.runs::incrementAndGet)).isEqualTo(2);
	}

	@Test
	void runWhenNoRequestIdThenActionRunsEachTime() {
		RepeatableRequests<Integer> requests = new RepeatableRequests<>(10, Clock.systemUTC());
		assertThat(requests.run(null, this.runs::incrementAndGet)).isEqualTo(1);
		assertThat(requests.run(null, this.runs::incrementAndGet)).isEqualTo(2);
		assertThat(requests.run(" ", this.runs::incrementAndGet)).isEqualTo(3);
	}

	@Test
	void runWhenOverCapacityThenOldestForgotten() {
		MutableClock clock = new MutableClock();
		RepeatableRequests<Integer> requests = new RepeatableRequests<>(10, clock);
		requests.run("oldest", this.runs::incrementAndGet);
		for (int i = 0; i < 10; i++) {
			clock.advance(Duration.ofSeconds(1));
			requests.run("id-" + i, this.runs::incrementAndGet);
		}
		assertThat(requests.run("id-9", this.runs::incrementAndGet)).isEqualTo(11);
		assertThat(requests.run("oldest", this.runs::incrementAndGet)).isEqualTo(12);
	}

}
