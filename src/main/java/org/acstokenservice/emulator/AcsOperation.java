package org.acstokenservice.emulator;

import java.util.Arrays;
import java.util.Locale;

/**
 * The operations of the ACS Identity API that the emulator serves: what faults can be
 * aimed at and what requests are counted by. Throttling counts by {@link AcsLimit}, which
 * tells a create with a token from one without.
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
		try {
			return valueOf(constantName(name));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"Unknown operation '" + name + "'; one of " + Arrays.toString(values()) + " was expected", ex);
		}
	}

	/**
	 * {@code create-identity} and {@code createIdentity} as the constant's name,
	 * {@code CREATE_IDENTITY}.
	 */
	static String constantName(String name) {
		return name.strip().replaceAll("([a-z])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(Locale.ROOT);
	}

}
