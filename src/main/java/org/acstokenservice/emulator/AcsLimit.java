package org.acstokenservice.emulator;

import java.util.Arrays;
import java.util.Locale;

/**
 * The limits of ACS's Identity API, each per resource and per window (30 seconds at ACS),
 * with ACS's numbers from the "Identity" table of Azure Communication Services' service
 * limits. Each authenticated request counts against exactly one of them.
 * <p>
 * ACS lists "create identity" and "createUserAndToken" as two limits although both are
 * {@code POST /identities}: a create whose body asks for a token (a non-empty
 * {@code createTokenWithScopes}) counts against {@link #CREATE_IDENTITY_AND_TOKEN} only,
 * any other create against {@link #CREATE_IDENTITY} only.
 */
public enum AcsLimit {

	/** {@code POST /identities} without a token: 1000. */
	CREATE_IDENTITY("Create identity", 1000),

	/** {@code POST /identities} with {@code createTokenWithScopes}: 1000. */
	CREATE_IDENTITY_AND_TOKEN("createUserAndToken", 1000),

	/** {@code POST /identities/{id}/:issueAccessToken}: 1000. */
	ISSUE_TOKEN("Issue access token", 1000),

	/** {@code POST /identities/{id}/:revokeAccessTokens}: 500. */
	REVOKE("Revoke access token", 500),

	/** {@code DELETE /identities/{id}}: 500. */
	DELETE("Delete identity", 500),

	/** {@code POST /teamsUser/:exchangeAccessToken}: 500. */
	TEAMS_EXCHANGE("exchangeTokens", 500);

	private final String title;

	private final int acsPerWindow;

	AcsLimit(String title, int acsPerWindow) {
		this.title = title;
		this.acsPerWindow = acsPerWindow;
	}

	/**
	 * ACS's limit: how many calls a resource may make per 30 seconds.
	 * @return 1000 or 500
	 */
	public int acsPerWindow() {
		return this.acsPerWindow;
	}

	/**
	 * The name used in configuration and by the control API, e.g. {@code issue-token}.
	 * @return the kebab-case name
	 */
	public String propertyName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/** The operation as ACS's service-limits table names it, for error messages. */
	String title() {
		return this.title;
	}

	/**
	 * Reads a name as configuration writes it: {@code ISSUE_TOKEN}, {@code issue-token}
	 * or {@code issueToken}.
	 * @param name the limit's name
	 * @return the limit
	 * @throws IllegalArgumentException if no limit has that name
	 */
	public static AcsLimit fromName(String name) {
		try {
			return valueOf(AcsOperation.constantName(name));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Unknown operation '" + name + "'; one of "
					+ Arrays.stream(values()).map(AcsLimit::propertyName).toList() + " was expected", ex);
		}
	}

	/** The limit that a request for this operation counts against. */
	static AcsLimit of(AcsOperation operation, boolean createsToken) {
		return switch (operation) {
			case CREATE_IDENTITY -> createsToken ? CREATE_IDENTITY_AND_TOKEN : CREATE_IDENTITY;
			case ISSUE_TOKEN -> ISSUE_TOKEN;
			case REVOKE -> REVOKE;
			case DELETE -> DELETE;
			case TEAMS_EXCHANGE -> TEAMS_EXCHANGE;
		};
	}

}
