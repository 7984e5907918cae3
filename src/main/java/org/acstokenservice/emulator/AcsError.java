package org.acstokenservice.emulator;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A failure that the emulator answers the way ACS does: a status, an ACS error body
 * {@code {"error":{"code","message"}}} and, for throttling, a {@code Retry-After}.
 */
final class AcsError extends RuntimeException {

	private final int status;

	private final String code;

	private final @Nullable Duration retryAfter;

	AcsError(int status, String code, @Nullable String message) {
		this(status, code, message, null);
	}

	/**
	 * An error answered with a {@code Retry-After}, as a throttled call is.
	 * @param retryAfter sent in whole seconds, rounded up; {@code null} for none
	 */
	AcsError(int status, String code, @Nullable String message, @Nullable Duration retryAfter) {
		// No stack trace: these are answers, not bugs.
		super(message, null, false, false);
		this.status = status;
		this.code = code;
		this.retryAfter = retryAfter;
	}

	static AcsError denied(String message) {
		return new AcsError(401, "Denied", message);
	}

	static AcsError validation(@Nullable String message) {
		return new AcsError(400, "ValidationError", message);
	}

	int status() {
		return this.status;
	}

	String code() {
		return this.code;
	}

	@Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
