package org.acstokenservice.emulator;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One thing that an {@link FaultInjector} can do to a request instead of (or as well as)
 * answering it as ACS would. Make one with the factory methods.
 *
 * @param kind what happens
 * @param latency for {@link Kind#LATENCY}, how long the answer is held back; otherwise
 * zero
 * @param status for {@link Kind#STATUS}, the HTTP status answered; otherwise zero
 * @param retryAfter for {@link Kind#STATUS}, the {@code Retry-After} to send (whole
 * seconds, rounded up), or {@code null} for none; otherwise {@code null}
 */
public record Fault(Kind kind, Duration latency, int status, @Nullable Duration retryAfter) {

	public Fault {
		Objects.requireNonNull(kind, "kind");
		latency = (latency != null) ? latency : Duration.ZERO;
		if (latency.isNegative() || (kind == Kind.LATENCY) == latency.isZero()) {
			throw new IllegalArgumentException("A LATENCY fault needs a positive latency, and only it has one");
		}
		if ((kind == Kind.STATUS) != (status != 0)) {
			throw new IllegalArgumentException("A STATUS fault needs a status, and only it has one");
		}
		if (kind == Kind.STATUS && (status < 400 || status > 599)) {
			throw new IllegalArgumentException("A fault's status must be between 400 and 599, not " + status);
		}
		if (retryAfter != null && (kind != Kind.STATUS || retryAfter.isNegative())) {
			throw new IllegalArgumentException("Only a STATUS fault has a Retry-After, and it cannot be negative");
		}
	}

	/**
	 * Holds the answer back; the request is then served (or faulted) as usual. The server
	 * keeps serving other requests meanwhile.
	 * @param latency how long, positive
	 * @return the fault
	 */
	public static Fault latency(Duration latency) {
		return new Fault(Kind.LATENCY, latency, 0, null);
	}

	/**
	 * Answers with this status and an ACS error body, without doing the operation.
	 * @param status 400..599, e.g. 429, 500 or 503
	 * @return the fault
	 */
	public static Fault status(int status) {
		return new Fault(Kind.STATUS, Duration.ZERO, status, null);
	}

	/**
	 * Like {@link #status(int)}, with a {@code Retry-After} header.
	 * @param status 400..599, e.g. 429 or 503
	 * @param retryAfter sent in whole seconds, rounded up
	 * @return the fault
	 */
	public static Fault status(int status, Duration retryAfter) {
		return new Fault(Kind.STATUS, Duration.ZERO, status, Objects.requireNonNull(retryAfter, "retryAfter"));
	}

	/**
	 * Closes the connection without answering and without doing the operation.
	 * @return the fault
	 */
	public static Fault drop() {
		return new Fault(Kind.DROP, Duration.ZERO, 0, null);
	}

	/**
	 * Does the operation (an identity is created, a token revoked, ...) and then closes
	 * the connection without answering: the lost answer that makes a client retry.
	 * @return the fault
	 */
	public static Fault dropAfterProcessing() {
		return new Fault(Kind.DROP_AFTER_PROCESSING, Duration.ZERO, 0, null);
	}

	/** What a {@link Fault} does. */
	public enum Kind {

		/** Holds the answer back. */
		LATENCY,

		/** Answers an error status without doing the operation. */
		STATUS,

		/** Closes the connection without answering, before doing the operation. */
		DROP,

		/** Does the operation, then closes the connection without answering. */
		DROP_AFTER_PROCESSING

	}

}
