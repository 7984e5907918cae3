package org.acstokenservice.token;

/**
 * The body of {@code POST /token/teams}.
 *
 * @param token the Teams user's Entra ID access token for the ACS Teams scope
 */
record TeamsTokenRequest(String token) {

	@Override
	public String toString() {
		return "TeamsTokenRequest[token=******]";
	}

}
