package org.acstokenservice.token;

import java.text.ParseException;
import java.util.Map;

import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import org.acstokenservice.acs.AcsException;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Exchanges a Teams user's Entra ID token for an ACS token. ACS checks the token's
 * signature; this checks first that it was issued to the configured application, so that
 * a wrong token gets a clear answer rather than ACS's refusal.
 */
@Component
class TeamsTokenExchange {

	private final TeamsProperties properties;

	private final AcsResources acs;

	TeamsTokenExchange(TeamsProperties properties, AcsResources acs) {
		this.properties = properties;
		this.acs = acs;
	}

	/**
	 * Reads and checks the request as far as this service can: the token must be a JWT
	 * issued to the configured application and name its user.
	 */
	TeamsUserToken read(TeamsTokenRequest request) {
		String clientId = this.properties.clientId();
		if (!StringUtils.hasText(clientId)) {
			throw new ProblemException(ErrorCode.NOT_FOUND, "The Teams token exchange is not configured.");
		}
		if (request == null || !StringUtils.hasText(request.token())) {
			throw invalid("The body must carry the Teams user's Entra ID token: {\"token\":\"…\"}.");
		}
		JWTClaimsSet claims = claims(request.token());
		String appId = firstText(claims, "appid", "azp");
		if (!clientId.equals(appId)) {
			throw invalid("The Teams token was issued to another application than this service's Teams client.");
		}
		String objectId = firstText(claims, "oid");
		if (objectId == null) {
			throw invalid("The Teams token names no user object id (oid).");
		}
		return new TeamsUserToken(request.token(), clientId, objectId);
	}

	/** Exchanges a token that {@link #read} accepted for an ACS token of a resource. */
	AcsToken exchange(TeamsUserToken teamsToken, String resource) {
		try {
			return this.acs.gateway(resource)
				.exchangeTeamsToken(teamsToken.token(), teamsToken.clientId(), teamsToken.objectId());
		}
		catch (AcsException ex) {
			// A 404 is a proxy's or a wrong path's, not a judgement on the Teams token.
			if (ex.kind() == AcsException.Kind.REJECTED && ex.status() >= 400 && ex.status() < 500
					&& ex.status() != 404) {
				throw invalid("ACS refused the Teams token: it may be expired or not meant for ACS.");
			}
			throw ex;
		}
	}

	private static JWTClaimsSet claims(String token) {
		JWTClaimsSet claims;
		try {
			JWT jwt = JWTParser.parse(token);
			if (jwt instanceof EncryptedJWT) {
				throw invalid("The Teams token is encrypted (JWE); send the Entra ID access token for ACS as "
						+ "Entra ID issues it: a signed JWT.");
			}
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw invalid("The Teams token is not a JWT.");
		}
		if (claims == null) {
			throw invalid("The Teams token carries no claims.");
		}
		return claims;
	}

	private static @Nullable String firstText(JWTClaimsSet claims, String... names) {
		for (String name : names) {
			Object value = claims.getClaim(name);
			if (value instanceof String text && !text.isBlank()) {
				return text;
			}
		}
		return null;
	}

	private static ProblemException invalid(String detail) {
		return new ProblemException(ErrorCode.INVALID_REQUEST, detail, Map.of());
	}

	/**
	 * A Teams user's Entra ID token, checked as far as this service can.
	 *
	 * @param token the token itself: a secret
	 * @param clientId the application it was issued to
	 * @param objectId the Teams user's Entra ID object id ({@code oid})
	 */
	record TeamsUserToken(String token, String clientId, String objectId) {

		@Override
		public String toString() {
			return "TeamsUserToken[token=******, clientId=" + this.clientId + ", objectId=" + this.objectId + "]";
		}

	}

}
