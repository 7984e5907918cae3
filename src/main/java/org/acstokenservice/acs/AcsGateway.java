package org.acstokenservice.acs;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.implementation.models.CommunicationErrorResponseException;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.communication.identity.models.CommunicationUserIdentifierAndToken;
import com.azure.communication.identity.models.GetTokenForTeamsUserOptions;
import com.azure.core.credential.AccessToken;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that touches the ACS SDK. Callers see this project's types and
 * {@link AcsException}, never an SDK type.
 */
public class AcsGateway {

	private static final Logger logger = LoggerFactory.getLogger(AcsGateway.class);

	/** Used when ACS is unavailable and says nothing of when to come back. */
	private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

	private final CommunicationIdentityClient client;

	AcsGateway(CommunicationIdentityClient client) {
		this.client = Objects.requireNonNull(client, "client");
	}

	/** Creates an ACS identity and its first token in one call. */
	public AcsIdentityAndToken createIdentityWithToken(Collection<AcsScope> scopes, Duration lifetime) {
		CommunicationUserIdentifierAndToken created = call("createIdentity",
				() -> this.client.createUserAndToken(sdkScopes(scopes), lifetime));
		return new AcsIdentityAndToken(created.getUser().getRawId(), token(created.getUserToken()));
	}

	public AcsToken issueToken(String communicationUserId, Collection<AcsScope> scopes, Duration lifetime) {
		return token(
				call("issueToken", () -> this.client.getToken(user(communicationUserId), sdkScopes(scopes), lifetime)));
	}

	public void revokeTokens(String communicationUserId) {
		call("revokeTokens", () -> {
			this.client.revokeTokens(user(communicationUserId));
			return null;
		});
	}

	public void deleteIdentity(String communicationUserId) {
		call("deleteIdentity", () -> {
			this.client.deleteUser(user(communicationUserId));
			return null;
		});
	}

	/** Exchanges a Teams user's Entra ID token for an ACS token. */
	public AcsToken exchangeTeamsToken(String teamsUserAadToken, String clientId, String userObjectId) {
		return token(call("exchangeTeamsToken", () -> this.client
			.getTokenForTeamsUser(new GetTokenForTeamsUserOptions(teamsUserAadToken, clientId, userObjectId))));
	}

	private <T> T call(String operation, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (HttpResponseException ex) {
			throw translate(operation, ex);
		}
		catch (RuntimeException ex) {
			if (isConnectionFailure(ex)) {
				logger.warn("ACS {} failed: {}", operation, ex.getClass().getSimpleName());
				throw new AcsException(AcsException.Kind.UNAVAILABLE, "ACS could not be reached", 0, null,
						DEFAULT_RETRY_AFTER, ex);
			}
			throw ex;
		}
	}

	private static AcsException translate(String operation, HttpResponseException ex) {
		HttpResponse response = ex.getResponse();
		int status = (response != null) ? response.getStatusCode() : 0;
		String code = acsErrorCode(ex);
		logger.warn("ACS {} answered {} {}", operation, status, code);
		if (status == 404 || (status == 401 && "IdentityNotOwned".equals(code))) {
			return new AcsException(AcsException.Kind.IDENTITY_NOT_FOUND, "ACS does not know the identity", status,
					code, null, ex);
		}
		if (status == 408 || status == 429 || status >= 500) {
			return new AcsException(AcsException.Kind.UNAVAILABLE, "ACS is unavailable", status, code,
					retryAfter(response), ex);
		}
		return new AcsException(AcsException.Kind.REJECTED, "ACS rejected the request", status, code, null, ex);
	}

	private static String acsErrorCode(HttpResponseException ex) {
		// The SDK throws its implementation type; the public
		// IdentityErrorResponseException
		// is declared but never thrown (TOOLCHAIN.md).
		if (ex instanceof CommunicationErrorResponseException error && error.getValue() != null
				&& error.getValue().getError() != null) {
			return error.getValue().getError().getCode();
		}
		return null;
	}

	private static Duration retryAfter(HttpResponse response) {
		String value = (response != null) ? response.getHeaderValue(HttpHeaderName.RETRY_AFTER) : null;
		if (value != null) {
			try {
				return Duration.ofSeconds(Math.max(1, Long.parseLong(value.trim())));
			}
			catch (NumberFormatException ex) {
				// An HTTP date: rare from ACS, and the default is as good a guess.
			}
		}
		return DEFAULT_RETRY_AFTER;
	}

	private static boolean isConnectionFailure(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof IOException || cause instanceof TimeoutException) {
				return true;
			}
		}
		return false;
	}

	private static CommunicationUserIdentifier user(String communicationUserId) {
		return new CommunicationUserIdentifier(communicationUserId);
	}

	private static List<CommunicationTokenScope> sdkScopes(Collection<AcsScope> scopes) {
		// fromString, not the SDK's constants: this SDK version lacks the join scopes.
		return scopes.stream().map((scope) -> CommunicationTokenScope.fromString(scope.wireName())).toList();
	}

	private static AcsToken token(AccessToken token) {
		return new AcsToken(token.getToken(), token.getExpiresAt().toInstant());
	}

}
