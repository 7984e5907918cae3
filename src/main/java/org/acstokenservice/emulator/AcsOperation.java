package org.acstokenservice.emulator;

import java.util.Arrays;
import java.util.Locale;

/**
 * The operations of the ACS Identity API that the emulator serves: what faults can be
 * aimed at and what requests are counted by.
 */
public enum AcsOperation {

	/** {@code POST /identities}, with or without a token. */
	CREATE_IDENTITY,

	/** {@code POST /identities/{id}/:issueAccessToken}. */
	ISSUE_TOKEN,

	/** {@code POST /identities/{id}/:revokeAccessTokens}. */
	REVOKE,

	/** {@code DELETE /identities/{id}}. */
	DELETE,

	/** {@code POST /teamsUser/:exchangeAccessToken}. */
	TEAMS_EXCHANGE;

	/**
	 * Reads a name as configuration writes it: {@code CREATE_IDENTITY},
	 * {@code create-identity} or {@code createIdentity}.
	 * @param name the operation's name
	 * @return the operation
	 * @throws IllegalArgumentException if no operation has that name
	 */
	public static AcsOperation fromName(String name) {
		String normalized = name.strip().replaceAll("([a-z])([A-Z])", "$1_$2").replace('-', '_');
		try {
			return valueOf(normalized.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"Unknown operation '" + name + "'; one of " + Arrays.toString(values()) + " was expected", ex);
		}
	}

}
