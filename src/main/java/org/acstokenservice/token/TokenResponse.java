package org.acstokenservice.token;

import java.time.Instant;
import java.util.List;

/** The body of a successful {@code POST /token}, as the HTTP contract gives it. */
record TokenResponse(String token, Instant expiresOn, User user, List<String> scopes) {

	record User(String communicationUserId) {
	}

	@Override
	public String toString() {
		// Keeps the token out of any log line that prints the response.
		return "TokenResponse[expiresOn=" + this.expiresOn + ", user=" + this.user + ", scopes=" + this.scopes + "]";
	}

}
