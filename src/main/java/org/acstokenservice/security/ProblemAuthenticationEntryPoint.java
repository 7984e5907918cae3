package org.acstokenservice.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.Problems;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers every failed or missing sign-in with a 401 problem, and the
 * {@code WWW-Authenticate} challenge of each sign-in method that is on. The detail is the
 * same whatever went wrong, so that it tells an attacker nothing. A failure from an
 * address that has spent its allowance of failed sign-ins gets 429 with
 * {@code Retry-After} instead, a little later ({@link RefusalDelay}). When the sign-in
 * could not be checked at all (the identity provider's key set cannot be fetched), the
 * answer is 503 with {@code Retry-After}: it is not the client's fault, and it does not
 * count as a failed sign-in.
 */
class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

	static final String REALM = "acs-token-service";

	/** How long a client should wait while the identity provider cannot be reached. */
	static final Duration IDENTITY_PROVIDER_RETRY_AFTER = Duration.ofSeconds(10);

	private static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(ProblemAuthenticationEntryPoint.class);

	private final Problems problems;

	private final boolean basic;

	private final @Nullable BearerTokenAuthenticationEntryPoint bearer;

	private final FailedSignInLimit failedSignIns;

	private final RefusalDelay refusalDelay;

	private final Counter identityProviderUnavailable;

	private final Counter databaseUnavailable;

	ProblemAuthenticationEntryPoint(Problems problems, FailedSignInLimit failedSignIns, RefusalDelay refusalDelay,
			boolean basic, boolean bearer, MeterRegistry meters) {
		this.problems = problems;
		this.refusalDelay = refusalDelay;
		this.failedSignIns = failedSignIns;
		this.basic = basic;
		this.bearer = bearer ? new BearerTokenAuthenticationEntryPoint() : null;
		this.identityProviderUnavailable = Counter.builder("acs.identity_provider.unavailable")
			.description(
					"Sign-ins answered 503 identity_provider_unavailable: the issuer's key set could not be fetched")
			.register(meters);
		this.databaseUnavailable = Problems.databaseUnavailable(meters);
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		if (authException instanceof AuthenticationServiceException) {
			// The message names the key set's address and the cause, never the token.
			logger.warn("Sign-in could not be checked: {}", authException.getMessage());
			this.identityProviderUnavailable.increment();
			response.setHeader(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(IDENTITY_PROVIDER_RETRY_AFTER));
			this.problems.write(response, ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE,
					"The identity provider cannot be reached to check the sign-in; try again later.");
			return;
		}
		Optional<Duration> wait;
		try {
			wait = this.failedSignIns.recordFailure(request, authException);
		}
		catch (DataAccessException ex) {
			/*
			 * The shared count of failed sign-ins is out of reach: without it a guesser
			 * would have no limit, so the failure is not answered as a mere 401.
			 */
			logger.warn("Failed sign-in could not be counted: {}", ex.getMessage());
			this.databaseUnavailable.increment();
			response.setHeader(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(DATABASE_RETRY_AFTER));
			this.problems.write(response, ErrorCode.DATABASE_UNAVAILABLE,
					"The database is unavailable; try again later.");
			return;
		}
		if (wait.isPresent()) {
			this.refusalDelay.answer(request, () -> {
				response.setHeader(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(wait.get()));
				this.problems.buffer(response, ErrorCode.RATE_LIMITED, "Too many failed sign-ins; try again later.");
			});
			return;
		}
		if (this.bearer != null) {
			/*
			 * Sets the RFC 6750 challenge, with error="invalid_token" when a token was
			 * sent.
			 */
			this.bearer.commence(request, response, authException);
		}
		if (this.basic) {
			response.addHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
		}
		this.problems.write(response, ErrorCode.UNAUTHORIZED, "A valid sign-in is required.");
	}

}
