package org.acstokenservice.acs;

import java.time.Instant;

/**
 * An ACS access token and when it expires. {@link #toString()} leaves the token out, so
 * that it cannot reach a log by accident.
 */
public record AcsToken(String token, Instant expiresOn) {

	@Override
	public String toString() {
		return "AcsToken[expiresOn=" + this.expiresOn + "]";
	}

}
