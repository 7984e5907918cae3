package org.acstokenservice.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditEvent.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How long a request waits for the audit trail, with commits as slow as the test makes
 * them: the database itself stands in, so that only the writer's waits are measured.
 */
class AuditWriterTests {

	private static final Duration MAX_WAIT = Duration.ofSeconds(2);

	private final CountDownLatch release = new CountDownLatch(1);

	private AuditWriter writer;

	@AfterEach
	void stopWriter() {
		this.release.countDown();
		if (this.writer != null) {
			this.writer.stop();
		}
	}

	/**
	 * The adversary's timing: the queue is full, room comes just before the maximum wait,
	 * and the commit then takes long. Waiting for room and then for the commit, each up
	 * to the maximum, would make the request wait nearly twice as long (3.5 s here).
	 */
	@Test
	void writeAndWaitWhenRoomComesLateAndCommitIsSlowThenOneMaximumWaitInAll() {
		AtomicInteger batches = new AtomicInteger();
		this.writer = new AuditWriter(new JdbcTemplate(), new TransactionOperations() {

			@Override
			public <T> T execute(TransactionCallback<T> action) {
				/*
				 * The first batch commits after 1.5 s, every later one only at the end.
				 */
				await((batches.incrementAndGet() == 1) ? Duration.ofMillis(1500) : Duration.ofSeconds(30));
				return null;
			}

		}, 1, Duration.ofMillis(50), MAX_WAIT, new SimpleMeterRegistry());
		this.writer.start();
		this.writer.write(event("first"));
		awaitCommitStarted(batches);
		this.writer.write(event("second"));

		long start = System.nanoTime();
		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> this.writer.writeAndWait(event("waiting")));
		Duration waited = Duration.ofNanos(System.nanoTime() - start);

		/* 2 s wanted; room for a busy machine, well below the 3.5 s of two waits. */
		assertThat(waited).isLessThan(Duration.ofMillis(2800));
	}

	private void await(Duration duration) {
		try {
			this.release.await(duration.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void awaitCommitStarted(AtomicInteger batches) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (batches.get() == 0) {
			assertThat(System.nanoTime()).as("the writer takes the first event").isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private static AuditEvent event(String subject) {
		return new AuditEvent(Instant.now(), Action.TOKEN_ISSUE, Outcome.SUCCESS, subject, subject, null, null, null);
	}

}
