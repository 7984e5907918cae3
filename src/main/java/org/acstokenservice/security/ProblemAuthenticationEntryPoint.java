package org.acstokenservice.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.acstokenservice.system.ErrorCode;
import org.acstokenservice.system.Problems;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers every failed or missing sign-in with a 401 problem, and the
 * {@code WWW-Authenticate} challenge of each sign-in method that is on. The detail is the
 * same whatever went wrong, so that it tells an attacker nothing. A failure from an
 * address that has spent its allowance of failed sign-ins gets 429 with
 * {@code Retry-After} instead.
 */
class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

	static final String REALM = "acs-token-service";

	private final Problems problems;

	private final boolean basic;

	private final BearerTokenAuthenticationEntryPoint bearer;

	private final FailedSignInLimit failedSignIns;

	ProblemAuthenticationEntryPoint(Problems problems, FailedSignInLimit failedSignIns, boolean basic, boolean bearer) {
		this.problems = problems;
		this.failedSignIns = failedSignIns;
		this.basic = basic;
		this.bearer = bearer ? new BearerTokenAuthenticationEntryPoint() : null;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		Optional<Duration> wait = this.failedSignIns.recordFailure(request, authException);
		if (wait.isPresent()) {
			response.setHeader(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(wait.get()));
			this.problems.write(response, ErrorCode.RATE_LIMITED, "Too many failed sign-ins; try again later.");
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
