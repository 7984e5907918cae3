package org.acstokenservice.emulator;

/**
 * A failure that the emulator answers the way ACS does: a status and an ACS error body
 * {@code {"error":{"code","message"}}}.
 */
final class AcsError extends RuntimeException {

	private final int status;

	private final String code;

	AcsError(int status, String code, String message) {
		// No stack trace: these are answers, not bugs.
		super(message, null, false, false);
		this.status = status;
		this.code = code;
	}

	static AcsError denied(String message) {
		return new AcsError(401, "Denied", message);
	}

	static AcsError validation(String message) {
		return new AcsError(400, "ValidationError", message);
	}

	int status() {
		return this.status;
	}

	String code() {
		return this.code;
	}

}
