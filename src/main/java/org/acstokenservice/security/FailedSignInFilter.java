package org.acstokenservice.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.acstokenservice.system.ErrorCode;
import org.acstokenservice.system.KeyedRateLimiter;
import org.acstokenservice.system.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns away, with 429, a client address that has spent its allowance of failed sign-ins,
 * before its credentials are even checked. The entry point records each failure.
 */
class FailedSignInFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(FailedSignInFilter.class);

	private final KeyedRateLimiter failures;

	private final Problems problems;

	private final Counter turnedAway;

	FailedSignInFilter(SignInProperties.FailedAttempts limit, Problems problems, MeterRegistry meters) {
		this.failures = new KeyedRateLimiter(limit.capacity(), limit.period());
		this.problems = problems;
		this.turnedAway = Counter.builder("acs.sign_in.rate_limited")
			.description("Requests turned away because their address failed to sign in too often")
			.register(meters);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
			Optional<Duration> wait = this.failures.exhausted(request.getRemoteAddr());
			if (wait.isPresent()) {
				this.turnedAway.increment();
				response.setHeader(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(wait.get()));
				this.problems.write(response, ErrorCode.RATE_LIMITED, "Too many failed sign-ins; try again later.");
				return;
			}
		}
		chain.doFilter(request, response);
	}

	/**
	 * Counts a failed sign-in, if the request tried one. A genuine token that merely
	 * expired does not count: front ends send those all the time, and behind a proxy many
	 * users share one address.
	 */
	void recordFailure(HttpServletRequest request, AuthenticationException failure) {
		if (request.getHeader(HttpHeaders.AUTHORIZATION) == null || onlyOutOfTime(failure)) {
			return;
		}
		if (this.failures.tryAcquire(request.getRemoteAddr()).isPresent()) {
			logger.warn("Failed sign-in limit reached by {}", request.getRemoteAddr());
		}
	}

	/** Whether a well-signed token failed only its {@code exp} or {@code nbf} check. */
	static boolean onlyOutOfTime(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof JwtValidationException invalid) {
				return !invalid.getErrors().isEmpty() && invalid.getErrors()
					.stream()
					.allMatch((error) -> error.getDescription() != null
							&& (error.getDescription().startsWith("Jwt expired")
									|| error.getDescription().startsWith("Jwt used before")));
			}
		}
		return false;
	}

}
