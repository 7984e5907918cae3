package org.acstokenservice.acs;

import java.time.Duration;

import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.Problems;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.ErrorResponseException;

/**
 * A failed ACS call, classified by what the caller can do about it. Carries ACS's error
 * code and status, never the request or response body. It answers for itself as Spring's
 * {@link ErrorResponseException} does: 503 {@code acs_unavailable} with
 * {@code Retry-After} when a retry later may succeed, else 502 {@code acs_rejected}; the
 * client learns the class of failure, the log (written by the gateway) the rest.
 */
public class AcsException extends ErrorResponseException {

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

	private final @Nullable String acsErrorCode;

	private final @Nullable Duration retryAfter;

	private final String message;

	AcsException(Kind kind, String message, int status, @Nullable String acsErrorCode, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		super(errorCode(kind).status(), Problems.problem(errorCode(kind), detail(kind)), cause);
		if (kind == Kind.UNAVAILABLE && retryAfter != null) {
			getHeaders().set(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(retryAfter));
		}
		this.message = message;
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

	/** ACS's error code, such as {@code IdentityNotOwned}. */
	public @Nullable String acsErrorCode() {
		return this.acsErrorCode;
	}

	/**
	 * When to try again, as ACS said or as the service guesses; {@code null} if not
	 * retryable.
	 */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/** What went wrong, for the log; the client sees only the problem body. */
	@Override
	public String getMessage() {
		return this.message;
	}

	private static ErrorCode errorCode(Kind kind) {
		return (kind == Kind.UNAVAILABLE) ? ErrorCode.ACS_UNAVAILABLE : ErrorCode.ACS_REJECTED;
	}

	private static String detail(Kind kind) {
		return (kind == Kind.UNAVAILABLE) ? "Azure Communication Services is unavailable; try again later."
				: "Azure Communication Services refused the request.";
	}

}
