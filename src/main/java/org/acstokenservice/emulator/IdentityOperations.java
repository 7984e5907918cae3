package org.acstokenservice.emulator;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The five ACS Identity operations on the emulator's state: each reads its request body
 * and identity as ACS does ({@link WireRequests}), changes the state or issues a token,
 * and returns ACS's answer; a refusal is thrown as an {@link AcsError}.
 * <p>
 * Choices where ACS's exact answer is not documented: an identity that is not an ACS user
 * id is 400 {@code ValidationError}; an unknown or deleted identity is 404
 * {@code IdentityNotFound} (for every operation, deletion included); unparsable JSON is
 * 400 {@code BadRequest}. For the Teams exchange, a token that is not a JWT or has
 * expired is 401 {@code InvalidAccessToken}, and a token whose {@code appid} or
 * {@code oid} differs from the request's {@code appId} or {@code userId} is 400
 * {@code ValidationError}.
 */
final class IdentityOperations {

	private static final Pattern ACS_USER = Pattern
		.compile("8:acs:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})_(.+)");

	private final EmulatorState state;

	private final AccessTokens tokens;

	private final Clock clock;

	IdentityOperations(EmulatorState state, AccessTokens tokens, Clock clock) {
		this.state = state;
		this.tokens = tokens;
		this.clock = clock;
	}

	/**
	 * {@code POST /identities}: 201 with the identity, and a token if scopes were asked.
	 */
	WireResponse createIdentity(byte[] body, String apiVersion) {
		JsonNode request = WireRequests.parseObject(body, true);
		List<String> scopes = (request.get("createTokenWithScopes") != null)
				? WireRequests.scopes(request.get("createTokenWithScopes"), "CreateTokenWithScopes", apiVersion)
				: List.of();
		int expiresInMinutes = WireRequests.expiresInMinutes(request);
		EmulatorState.Identity identity = this.state.create(this.clock.instant());
		WireResponse.AccessTokenBody accessToken = scopes.isEmpty() ? null
				: issue(identity.id(), scopes, identity.generation(), expiresInMinutes);
		return new WireResponse(201,
				new WireResponse.CreatedBody(new WireResponse.IdentityBody(identity.id()), accessToken));
	}

	/** {@code POST /identities/{id}/:issueAccessToken}: 200 with a token. */
	WireResponse issueAccessToken(String id, byte[] body, String apiVersion) {
		EmulatorState.Identity identity = requireIdentity(id);
		JsonNode request = WireRequests.parseObject(body, false);
		JsonNode scopesNode = request.get("scopes");
		if (scopesNode == null || scopesNode.isNull()) {
			throw AcsError.validation("Scopes: The Scopes field is required.");
		}
		List<String> scopes = WireRequests.scopes(scopesNode, "Scopes", apiVersion);
		if (scopes.isEmpty()) {
			throw AcsError.validation("Scopes: At least one scope is required.");
		}
		int expiresInMinutes = WireRequests.expiresInMinutes(request);
		return new WireResponse(200, issue(identity.id(), scopes, identity.generation(), expiresInMinutes));
	}

	/** {@code POST /identities/{id}/:revokeAccessTokens}: 204. */
	WireResponse revokeAccessTokens(String id) {
		requireIdentity(id);
		this.state.revoke(id, this.clock.instant()).orElseThrow(IdentityOperations::identityNotFound);
		return new WireResponse(204, null);
	}

	/** {@code DELETE /identities/{id}}: 204. */
	WireResponse deleteIdentity(String id) {
		requireIdentity(id);
		if (!this.state.delete(id, this.clock.instant())) {
			throw identityNotFound();
		}
		return new WireResponse(204, null);
	}

	/**
	 * {@code POST /teamsUser/:exchangeAccessToken}: 200 with an ACS token that expires
	 * with the Teams token.
	 */
	WireResponse exchangeTeamsToken(byte[] body) {
		JsonNode request = WireRequests.parseObject(body, false);
		String teamsToken = WireRequests.requiredString(request, "token", "Token");
		String appId = WireRequests.requiredString(request, "appId", "AppId");
		String userId = WireRequests.requiredString(request, "userId", "UserId");
		JWTClaimsSet claims;
		try {
			// The emulator cannot check Entra's signature; it checks what it can.
			JWT jwt = JWTParser.parse(teamsToken);
			if (jwt instanceof EncryptedJWT) {
				throw new ParseException("encrypted", 0);
			}
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw new AcsError(401, "InvalidAccessToken", "The provided access token is not a valid JWT.");
		}
		Instant now = this.clock.instant();
		Date expiresOn = claims.getExpirationTime();
		if (expiresOn == null || !now.isBefore(expiresOn.toInstant())) {
			throw new AcsError(401, "InvalidAccessToken", "The provided access token has expired.");
		}
		if (!appId.equals(stringClaim(claims, "appid"))) {
			throw AcsError.validation("AppId: The appId does not match the 'appid' claim of the provided token.");
		}
		if (!userId.equals(stringClaim(claims, "oid"))) {
			throw AcsError.validation("UserId: The userId does not match the 'oid' claim of the provided token.");
		}
		Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
		Instant expires = expiresOn.toInstant().truncatedTo(ChronoUnit.SECONDS);
		String token = this.tokens.issue("8:orgid:" + userId, List.of("voip", "chat"), 0, issuedAt, expires);
		return new WireResponse(200, new WireResponse.AccessTokenBody(token, expires));
	}

	private EmulatorState.Identity requireIdentity(String id) {
		Matcher matcher = ACS_USER.matcher(id);
		if (!matcher.matches()) {
			throw AcsError.validation("Id: '" + id + "' is not a Communication Services user identity.");
		}
		if (!matcher.group(1).equalsIgnoreCase(this.state.resourceId())) {
			throw new AcsError(401, "IdentityNotOwned", "Provided identity doesn't belong to the resource.");
		}
		return this.state.find(id)
			.filter((identity) -> !identity.deleted())
			.orElseThrow(IdentityOperations::identityNotFound);
	}

	private static AcsError identityNotFound() {
		return new AcsError(404, "IdentityNotFound", "The identity was not found or has been deleted.");
	}

	private WireResponse.AccessTokenBody issue(String id, List<String> scopes, int generation, int expiresInMinutes) {
		// Whole seconds, so that expiresOn and the token's exp agree exactly.
		Instant issuedAt = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Instant expiresOn = issuedAt.plus(Duration.ofMinutes(expiresInMinutes));
		String token = this.tokens.issue(id, scopes, generation, issuedAt, expiresOn);
		return new WireResponse.AccessTokenBody(token, expiresOn);
	}

	private static @Nullable String stringClaim(JWTClaimsSet claims, String name) {
		Object value = claims.getClaim(name);
		return (value instanceof String string) ? string : null;
	}

}
