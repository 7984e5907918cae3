package org.acstokenservice.fleet;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How long the request that the current thread serves may still wait for the database,
 * all its waits together: for a connection, for its statements, for a shared bucket's
 * statement, for its audit row. Each wait has a bound of its own as well; a request that
 * takes several steps must not wait for each in turn, so every wait takes the lesser of
 * its own bound and what is left of the request's. Only the time spent waiting counts,
 * not a call to ACS between two waits.
 * <p>
 * A thread that serves no request (a background job, the audit writer) has no budget: its
 * waits are bound by their own time-outs alone.
 */
public final class DatabaseBudget {

	/** What every request may wait for the database in all. */
	public static final Duration PER_REQUEST = Duration.ofSeconds(2);

	private static final ThreadLocal<DatabaseBudget> current = new ThreadLocal<>();

	private static final Wait NO_WAIT = new Wait(null);

	private final long limitNanos;

	private long spentNanos;

	/** How many waits are open: nested ones count once. */
	private int waiting;

	private long waitingSince;

	private DatabaseBudget(Duration limit) {
		this.limitNanos = limit.toNanos();
	}

	/**
	 * Gives the current thread a budget until the returned scope closes.
	 */
	public static Scope open(Duration limit) {
		DatabaseBudget outer = current.get();
		current.set(new DatabaseBudget(limit));
		return () -> {
			if (outer == null) {
				current.remove();
			}
			else {
				current.set(outer);
			}
		};
	}

	/** Whether the current thread serves a request with a budget. */
	public static boolean isOpen() {
		return current.get() != null;
	}

	/**
	 * What is left of the current thread's budget: zero or less when spent,
	 * {@link Long#MAX_VALUE} without one.
	 */
	public static long remainingNanos() {
		DatabaseBudget budget = current.get();
		return (budget != null) ? budget.remaining(System.nanoTime()) : Long.MAX_VALUE;
	}

	/**
	 * The lesser of a wait's own bound and what is left of the budget, in nanoseconds.
	 */
	public static long boundNanos(Duration own) {
		return Math.min(own.toNanos(), remainingNanos());
	}

	/**
	 * Starts counting a wait against the current thread's budget, until the returned wait
	 * closes; nothing when the thread has none.
	 */
	public static Wait waiting() {
		DatabaseBudget budget = current.get();
		if (budget == null) {
			return NO_WAIT;
		}
		if (budget.waiting++ == 0) {
			budget.waitingSince = System.nanoTime();
		}
		return new Wait(budget);
	}

	private long remaining(long now) {
		long open = (this.waiting > 0) ? now - this.waitingSince : 0;
		return this.limitNanos - this.spentNanos - open;
	}

	private void endWait() {
		if (--this.waiting == 0) {
			this.spentNanos += System.nanoTime() - this.waitingSince;
		}
	}

	/** The budget of a request's thread, open until closed. */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

	/** A wait counted against a budget until it closes; closing twice counts once. */
	public static final class Wait implements AutoCloseable {

		private @Nullable DatabaseBudget budget;

		private Wait(@Nullable DatabaseBudget budget) {
			this.budget = budget;
		}

		@Override
		public void close() {
			DatabaseBudget counted = this.budget;
			if (counted != null) {
				this.budget = null;
				counted.endWait();
			}
		}

	}

}
