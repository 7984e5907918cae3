package org.acstokenservice.acs;

import java.time.Duration;

/**
 * A failed ACS call, classified by what the caller can do about it. Carries ACS's error
 * code and status, never the request or response body.
 */
public class AcsException extends RuntimeException {

	/** What went wrong, from the service's point of view. */
	public enum Kind {

		/**
		 * ACS answered 404 {@code IdentityNotFound}: it does not know the identity, or
		 * has deleted it. Any other 404, and 401 {@code IdentityNotOwned} (another
		 * resource's identity), is {@link #REJECTED}.
		 */
		IDENTITY_NOT_FOUND,

		/** ACS is throttling, failing or out of reach: worth retrying later. */
		UNAVAILABLE,

		/** ACS refused the request for a reason that a retry will not change. */
		REJECTED

	}

	private final Kind kind;

	private final int status;

	private final String acsErrorCode;

	private final Duration retryAfter;

	AcsException(Kind kind, String message, int status, String acsErrorCode, Duration retryAfter, Throwable cause) {
		super(message, cause);
		this.kind = kind;
		this.status = status;
		this.acsErrorCode = acsErrorCode;
		this.retryAfter = retryAfter;
	}

	public Kind kind() {
		return this.kind;
	}

	/** ACS's HTTP status, or 0 when no answer came. */
	public int status() {
		return this.status;
	}

	/** ACS's error code, such as {@code IdentityNotOwned}, or {@code null}. */
	public String acsErrorCode() {
		return this.acsErrorCode;
	}

	/**
	 * When to try again, as ACS said or as the service guesses; {@code null} if not
	 * retryable.
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
