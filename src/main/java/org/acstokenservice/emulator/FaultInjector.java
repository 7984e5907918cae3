package org.acstokenservice.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.jspecify.annotations.Nullable;

/**
 * Makes the emulator misbehave on demand, as a real ACS does now and then: slow answers,
 * throttling (429 with or without {@code Retry-After}), server errors (500, 503), dropped
 * connections and lost answers. Reached through {@link AcsEmulator#faults()}; the
 * standalone emulator also takes them from configuration and over HTTP (see the package
 * documentation).
 * <p>
 * Faults apply only to requests that pass authentication and the api-version check, as
 * real throttling does, and are chosen before the operation runs. Each injection is a
 * rule: a fault, the operation it aims at (or every operation), and a trigger: the next
 * {@code count} matching requests (a burst) or a share of them, drawn from a seeded
 * {@link Random} so that a sequential run is repeatable, until {@link #clear()}. For each
 * request the rules are looked at in the order they were added: every latency rule that
 * fires adds its delay, and the first other rule that fires decides the outcome (rules
 * after it are not consumed). Thread-safe.
 */
public final class FaultInjector {

	/** The seed used until {@link #seed(long)} is called. */
	public static final long DEFAULT_SEED = 42;

	private final List<Rule> rules = new ArrayList<>();

	private Random random = new Random(DEFAULT_SEED);

	FaultInjector() {
	}

	/**
	 * Applies a fault to the next {@code count} requests, whatever their operation.
	 * @param count how many, at least 1
	 * @param fault what to do
	 */
	public void injectNext(int count, Fault fault) {
		add(new Rule(fault, null, count, 1.0));
	}

	/**
	 * Applies a fault to the next {@code count} requests for one operation.
	 * @param count how many, at least 1
	 * @param operation which operation's requests
	 * @param fault what to do
	 */
	public void injectNext(int count, AcsOperation operation, Fault fault) {
		add(new Rule(fault, Objects.requireNonNull(operation, "operation"), count, 1.0));
	}

	/**
	 * Applies a fault to a share of all requests, until {@link #clear()}.
	 * @param share between 0 and 1; 1 is every request
	 * @param fault what to do
	 */
	public void injectShare(double share, Fault fault) {
		add(new Rule(fault, null, Rule.UNLIMITED, share));
	}

	/**
	 * Applies a fault to a share of one operation's requests, until {@link #clear()}.
	 * @param share between 0 and 1; 1 is every request
	 * @param operation which operation's requests
	 * @param fault what to do
	 */
	public void injectShare(double share, AcsOperation operation, Fault fault) {
		add(new Rule(fault, Objects.requireNonNull(operation, "operation"), Rule.UNLIMITED, share));
	}

	/**
	 * Restarts the random draws for shares from this seed.
	 * @param seed any number
	 */
	public synchronized void seed(long seed) {
		this.random = new Random(seed);
	}

	/** Removes every fault: the emulator answers as ACS does again. */
	public synchronized void clear() {
		this.rules.clear();
	}

	/**
	 * Whether any fault is still to come.
	 * @return {@code false} after {@link #clear()} or when every burst is spent
	 */
	public synchronized boolean isActive() {
		return !this.rules.isEmpty();
	}

	private synchronized void add(Rule rule) {
		this.rules.add(rule);
	}

	/** Decides what happens to one authenticated request, and consumes burst rules. */
	synchronized Decision decide(AcsOperation operation) {
		if (this.rules.isEmpty()) {
			return Decision.NONE;
		}
		Duration delay = Duration.ZERO;
		Fault outcome = null;
		for (Iterator<Rule> iterator = this.rules.iterator(); iterator.hasNext();) {
			Rule rule = iterator.next();
			boolean latency = rule.fault().kind() == Fault.Kind.LATENCY;
			if (!rule.matches(operation) || (!latency && outcome != null) || !rule.fires(this.random)) {
				continue;
			}
			if (rule.spend()) {
				iterator.remove();
			}
			if (latency) {
				delay = delay.plus(rule.fault().latency());
			}
			else {
				outcome = rule.fault();
			}
		}
		return new Decision(delay, outcome);
	}

	/**
	 * What happens to a request.
	 *
	 * @param delay how long to hold the answer back
	 * @param outcome a STATUS or DROP fault, or {@code null} to answer as ACS does
	 */
	record Decision(Duration delay, @Nullable Fault outcome) {

		static final Decision NONE = new Decision(Duration.ZERO, null);

	}

	private static final class Rule {

		static final int UNLIMITED = -1;

		private final Fault fault;

		private final @Nullable AcsOperation operation;

		private final double share;

		private int remaining;

		Rule(Fault fault, @Nullable AcsOperation operation, int count, double share) {
			this.fault = Objects.requireNonNull(fault, "fault");
			if (count != UNLIMITED && count < 1) {
				throw new IllegalArgumentException("count must be at least 1, not " + count);
			}
			if (!(share >= 0 && share <= 1)) {
				throw new IllegalArgumentException("share must be between 0 and 1, not " + share);
			}
			this.operation = operation;
			this.remaining = count;
			this.share = share;
		}

		Fault fault() {
			return this.fault;
		}

		boolean matches(AcsOperation requested) {
			return this.operation == null || this.operation == requested;
		}

		boolean fires(Random random) {
			return this.share >= 1 || random.nextDouble() < this.share;
		}

		/** Counts one use; true when the rule is spent. */
		boolean spend() {
			if (this.remaining == UNLIMITED) {
				return false;
			}
			this.remaining--;
			return this.remaining == 0;
		}

	}

}
