package org.acstokenservice.acs;

import java.time.Duration;

/** ACS failures as the gateway reports them, for tests of its callers. */
public final class AcsFailures {

	private AcsFailures() {
	}

	/** ACS throttles or fails: worth retrying after {@code retryAfter}. */
	public static AcsException unavailable(Duration retryAfter) {
		return new AcsException(AcsException.Kind.UNAVAILABLE, "ACS is unavailable", 503, "ServiceUnavailable",
				retryAfter, null);
	}

	/** ACS answers 404 {@code IdentityNotFound}. */
	public static AcsException identityNotFound() {
		return new AcsException(AcsException.Kind.IDENTITY_NOT_FOUND, "ACS does not know the identity", 404,
				"IdentityNotFound", null, null);
	}

	/** ACS refuses for a reason a retry does not change. */
	public static AcsException rejected(int status, String acsErrorCode) {
		return new AcsException(AcsException.Kind.REJECTED, "ACS rejected the request", status, acsErrorCode, null,
				null);
	}

}
