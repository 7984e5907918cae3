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

	/** Counts a failed sign-in, if the request tried one. */
	void recordFailure(HttpServletRequest request) {
		if (request.getHeader(HttpHeaders.AUTHORIZATION) != null
				&& this.failures.tryAcquire(request.getRemoteAddr()).isPresent()) {
			logger.warn("Failed sign-in limit reached by {}", request.getRemoteAddr());
		}
	}

}
