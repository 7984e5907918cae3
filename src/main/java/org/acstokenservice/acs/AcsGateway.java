package org.acstokenservice.acs;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
import com.azure.core.http.HttpResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * The one place that touches the ACS SDK. Callers see this project's types and
 * {@link AcsException}, never an SDK type. Every call goes through a circuit breaker that
 * fails fast while ACS is down, and is timed by operation and outcome
 * ({@code acs.calls}).
 */
public class AcsGateway {

	private static final Logger logger = LoggerFactory.getLogger(AcsGateway.class);

	/** ACS's error code for an identity that it does not know or has deleted. */
	private static final String IDENTITY_NOT_FOUND = "IdentityNotFound";

	/** Used when ACS is unavailable and says nothing of when to come back. */
	private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

	private final String resource;

	private final CommunicationIdentityClient client;

	private final CircuitBreaker circuitBreaker;

	private final Duration openRetryAfter;

	private final MeterRegistry meters;

	/** By operation and outcome, both from small fixed sets. */
	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * @param openRetryAfter what to tell front ends while the circuit breaker is open
	 */
	AcsGateway(CommunicationIdentityClient client, CircuitBreaker circuitBreaker, Duration openRetryAfter,
			MeterRegistry meters) {
		this(AcsResources.DEFAULT, client, circuitBreaker, openRetryAfter, meters);
	}

	/**
	 * @param resource the resource's name, as metrics and logs give it
	 * @param openRetryAfter what to tell front ends while the circuit breaker is open
	 */
	AcsGateway(String resource, CommunicationIdentityClient client, CircuitBreaker circuitBreaker,
			Duration openRetryAfter, MeterRegistry meters) {
		this.resource = Objects.requireNonNull(resource, "resource");
		this.client = Objects.requireNonNull(client, "client");
		this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
		this.openRetryAfter = Objects.requireNonNull(openRetryAfter, "openRetryAfter");
		this.meters = Objects.requireNonNull(meters, "meters");
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

	/**
	 * The circuit breaker's state, such as {@code CLOSED} or {@code OPEN}, for health.
	 */
	/** The name of the resource this gateway calls. */
	public String resource() {
		return this.resource;
	}

	public String circuitState() {
		return this.circuitBreaker.getState().name();
	}

	private <T> T call(String operation, Supplier<T> call) {
		if (!this.circuitBreaker.tryAcquirePermission()) {
			record(operation, "circuit_open", 0);
			throw new AcsException(AcsException.Kind.UNAVAILABLE, "ACS circuit breaker is open", 0, null,
					this.openRetryAfter, null);
		}
		long start = System.nanoTime();
		try {
			T result = call.get();
			long elapsed = System.nanoTime() - start;
			this.circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
			record(operation, "success", elapsed);
			return result;
		}
		catch (RuntimeException ex) {
			long elapsed = System.nanoTime() - start;
			AcsException failure = translate(operation, ex);
			if (failure == null) {
				// Not a failure of ACS: a bug here, which must not open the breaker.
				this.circuitBreaker.releasePermission();
				throw ex;
			}
			if (budgetSpent(failure)) {
				/*
				 * This instance held the call back: it says nothing about ACS, and must
				 * not count as a probe that found ACS well.
				 */
				this.circuitBreaker.releasePermission();
			}
			else if (failure.kind() == AcsException.Kind.UNAVAILABLE && failure.status() != 429) {
				this.circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
			}
			else {
				/*
				 * ACS answered: ACS itself is fine. Throttling (429) too: the resource's
				 * allowance is spent, which its Retry-After says, not ACS down; opening
				 * the breaker would turn ACS's own Retry-After into the breaker's.
				 */
				this.circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
			}
			record(operation, outcome(failure), elapsed);
			throw failure;
		}
		catch (Error ex) {
			this.circuitBreaker.releasePermission();
			throw ex;
		}
	}

	private static boolean budgetSpent(AcsException failure) {
		return failure.getCause() instanceof AcsBudgetPolicy.BudgetSpentException;
	}

	/**
	 * The failure as an {@link AcsException}, or {@code null} when ACS had no part in it.
	 */
	private @Nullable AcsException translate(String operation, RuntimeException ex) {
		AcsBudgetPolicy.BudgetSpentException spent = find(ex, AcsBudgetPolicy.BudgetSpentException.class);
		if (spent != null) {
			logger.warn("ACS {} held back: the fleet's budget for resource {} is spent", operation, this.resource);
			return new AcsException(AcsException.Kind.UNAVAILABLE, "ACS call budget spent", 0, null, spent.retryAfter(),
					spent);
		}
		if (ex instanceof HttpResponseException http) {
			return translate(operation, http);
		}
		if (isConnectionFailure(ex)) {
			logger.warn("ACS {} at resource {} failed: {}", operation, this.resource,
					rootCause(ex).getClass().getSimpleName());
			return new AcsException(AcsException.Kind.UNAVAILABLE, "ACS could not be reached", 0, null,
					DEFAULT_RETRY_AFTER, ex);
		}
		return null;
	}

	private AcsException translate(String operation, HttpResponseException ex) {
		HttpResponse response = ex.getResponse();
		int status = (response != null) ? response.getStatusCode() : 0;
		String code = acsErrorCode(ex);
		logger.warn("ACS {} at resource {} answered {} {}", operation, this.resource, status, code);
		/*
		 * Only ACS's own answer says that the identity is gone. A 404 without it comes
		 * from a proxy or a wrong endpoint path, and IdentityNotOwned means the identity
		 * belongs to another ACS resource: both are rejections, not "gone", so that a
		 * user is never moved to a new identity (and away from their chats) on such an
		 * answer.
		 */
		if (status == 404 && IDENTITY_NOT_FOUND.equals(code)) {
			return new AcsException(AcsException.Kind.IDENTITY_NOT_FOUND, "ACS does not know the identity", status,
					code, null, ex);
		}
		if (status == 408 || status == 429 || status >= 500) {
			Duration retryAfter = (response != null) ? AcsRetryStrategy.retryAfter(response) : null;
			return new AcsException(AcsException.Kind.UNAVAILABLE, "ACS is unavailable", status, code,
					(retryAfter != null && !retryAfter.isZero()) ? retryAfter : DEFAULT_RETRY_AFTER, ex);
		}
		return new AcsException(AcsException.Kind.REJECTED, "ACS rejected the request", status, code, null, ex);
	}

	private void record(String operation, String outcome, long nanos) {
		this.timers
			.computeIfAbsent(operation + '/' + outcome,
					(key) -> Timer.builder("acs.calls")
						.description("Calls to ACS by operation and outcome")
						.tag("operation", operation)
						.tag("outcome", outcome)
						.tag("resource", this.resource)
						.register(this.meters))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	private static String outcome(AcsException failure) {
		if (budgetSpent(failure)) {
			return "budget_spent";
		}
		return switch (failure.kind()) {
			case IDENTITY_NOT_FOUND -> "not_found";
			case UNAVAILABLE -> "unavailable";
			case REJECTED -> "rejected";
		};
	}

	private static @Nullable String acsErrorCode(HttpResponseException ex) {
		/*
		 * The SDK throws its implementation type: identity 1.4.10 declares the public
		 * IdentityErrorResponseException but never throws it (seen in its sources and on
		 * the wire against the emulator).
		 */
		if (ex instanceof CommunicationErrorResponseException error && error.getValue() != null
				&& error.getValue().getError() != null) {
			return error.getValue().getError().getCode();
		}
		return null;
	}

	static boolean isConnectionFailure(Throwable ex) {
		if (find(ex, DataAccessException.class) != null) {
			/*
			 * The budget's bucket in the database could not be reached: the driver's
			 * ConnectException says nothing about ACS, and the call was not sent.
			 */
			return false;
		}
		return find(ex, IOException.class) != null || find(ex, TimeoutException.class) != null;
	}

	private static <E extends Throwable> @Nullable E find(Throwable ex, Class<E> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root;
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
