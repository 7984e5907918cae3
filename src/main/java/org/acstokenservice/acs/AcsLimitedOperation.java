package org.acstokenservice.acs;

import java.util.Locale;
import java.util.regex.Pattern;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.util.BinaryData;
import org.jspecify.annotations.Nullable;

/**
 * The operations that ACS limits each on its own, per resource and per 30 seconds (the
 * "Identity" table of ACS's service limits), told apart by method and path as the request
 * goes out. ACS lists "create identity" and "createUserAndToken" as two limits although
 * both are {@code POST /identities}: a create whose body asks for a token is the second.
 */
enum AcsLimitedOperation {

	/** {@code POST /identities} without a token. */
	CREATE_IDENTITY,

	/** {@code POST /identities} with {@code createTokenWithScopes}. */
	CREATE_IDENTITY_AND_TOKEN,

	/** {@code POST /identities/{id}/:issueAccessToken}. */
	ISSUE_TOKEN,

	/** {@code POST /identities/{id}/:revokeAccessTokens}. */
	REVOKE,

	/** {@code DELETE /identities/{id}}. */
	DELETE,

	/** {@code POST /teamsUser/:exchangeAccessToken}. */
	TEAMS_EXCHANGE,

	/**
	 * A request this service does not know (a newer SDK's): it counts against the
	 * smallest of the limits, under a name of its own.
	 */
	OTHER;

	private static final Pattern ASKS_FOR_TOKEN = Pattern.compile("\"createTokenWithScopes\"\\s*:\\s*\\[\\s*\"");

	/** The name in the budget's keys and in configuration, e.g. {@code issue-token}. */
	String propertyName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	static AcsLimitedOperation of(HttpRequest request) {
		String path = request.getUrl().getPath();
		HttpMethod method = request.getHttpMethod();
		if (method == HttpMethod.DELETE && path.matches(".*/identities/[^/]+")) {
			return DELETE;
		}
		if (method != HttpMethod.POST) {
			return OTHER;
		}
		if (path.endsWith("/identities")) {
			return asksForToken(request.getBodyAsBinaryData()) ? CREATE_IDENTITY_AND_TOKEN : CREATE_IDENTITY;
		}
		if (path.endsWith("/:issueAccessToken")) {
			return ISSUE_TOKEN;
		}
		if (path.endsWith("/:revokeAccessTokens")) {
			return REVOKE;
		}
		if (path.endsWith("/teamsUser/:exchangeAccessToken")) {
			return TEAMS_EXCHANGE;
		}
		return OTHER;
	}

	private static boolean asksForToken(@Nullable BinaryData body) {
		return body != null && ASKS_FOR_TOKEN.matcher(body.toString()).find();
	}

}
