package org.acstokenservice.audit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.ratelimit.BucketStore;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;

import static org.assertj.core.api.Assertions.assertThat;

class RepeatedRefusalsTests {

	private final AtomicInteger asked = new AtomicInteger();

	/** The fleet's buckets with the database out: every question fails. */
	private final BucketStore databaseOut = (key, limit) -> {
		this.asked.incrementAndGet();
		throw new DataAccessResourceFailureException("database out");
	};

	/**
	 * A signed-in client repeating a bad request is decided from this instance's memory:
	 * its 4xx never waits on the database, and a database that is out or slow does not
	 * turn every repeat into a row.
	 */
	@Test
	void firstInWindowWhenRefusalRepeatsWithDatabaseOutThenOneRowAndNoQuestionToTheStore() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		RepeatedRefusals refusals = new RepeatedRefusals(this.databaseOut, meters);
		AuditEntry entry = AuditEntry.of(Action.TOKEN_ISSUE, "dave");

		long written = IntStream.range(0, 20)
			.filter((i) -> refusals.firstInWindow(entry, "scope_not_allowed", false, null))
			.count();

		assertThat(written).isOne();
		assertThat(this.asked).hasValue(0);
		assertThat(meters.get("acs.audit.refusals.repeated").counter().count()).isEqualTo(19);
	}

	@Test
	void firstInWindowWhenAnotherReasonOrUserThenWrittenToo() {
		RepeatedRefusals refusals = new RepeatedRefusals(this.databaseOut, new SimpleMeterRegistry());

		assertThat(refusals.firstInWindow(AuditEntry.of(Action.TOKEN_ISSUE, "dave"), "scope_not_allowed", false, null))
			.isTrue();
		assertThat(refusals.firstInWindow(AuditEntry.of(Action.TOKEN_ISSUE, "dave"), "invalid_expiry", false, null))
			.isTrue();
		assertThat(refusals.firstInWindow(AuditEntry.of(Action.TOKEN_ISSUE, "erin"), "scope_not_allowed", false, null))
			.isTrue();
		assertThat(refusals.firstInWindow(AuditEntry.of(Action.TOKEN_REVOKE, "dave"), "scope_not_allowed", false, null))
			.isTrue();
	}

	/**
	 * A limit's refusal is recorded once for the fleet; a store that is out writes it.
	 */
	@Test
	void firstInWindowWhenLimitRefusesWithDatabaseOutThenWrittenRatherThanLost() {
		RepeatedRefusals refusals = new RepeatedRefusals(this.databaseOut, new SimpleMeterRegistry());

		assertThat(refusals.firstInWindow(AuditEntry.of(Action.TOKEN_ISSUE, "dave"), "rate_limited", true,
				Duration.ofSeconds(3)))
			.isTrue();
		assertThat(this.asked).hasValue(1);
	}

}
