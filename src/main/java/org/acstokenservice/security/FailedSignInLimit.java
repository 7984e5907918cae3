package org.acstokenservice.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.acstokenservice.ratelimit.BucketLimit;
import org.acstokenservice.ratelimit.BucketStore;
import org.acstokenservice.ratelimit.InMemoryBucketStore;
import org.acstokenservice.ratelimit.KeyedRateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * A limit on failed sign-ins per client address (per /64 network for IPv6), against
 * password and token guessing. It refuses failed attempts only: credentials are always
 * checked first, and a request whose credentials are valid never reaches this class, so
 * that one client with a stale password or token behind a NAT or a corporate proxy cannot
 * lock out everyone else at that address. Each failure takes one event from the address's
 * bucket in one atomic step, so that a concurrent burst of failures gets exactly the
 * allowance; a failure that finds the bucket empty is answered with 429 instead of 401.
 * <p>
 * Anyone can make up an address (a botnet, one host's IPv6 /48), so no request runs a
 * statement for one: an instance counts an address's local share of the fleet's allowance
 * from memory and refuses it beyond that until its background synchronisation reports the
 * address again ({@link BucketLimit.Sharing#BACKGROUND}). Requests without credentials
 * cost no guess, but loop as fast as failures do: they are counted per address in this
 * instance's memory alone, with the same allowance, and refused alike.
 */
class FailedSignInLimit {

	private static final Logger logger = LoggerFactory.getLogger(FailedSignInLimit.class);

	private final KeyedRateLimiter failures;

	/**
	 * Requests without credentials per address: at most 100,000 addresses, each forgotten
	 * once its bucket is full again, so a flood of new addresses at 1,000 a second stays
	 * within the bound (60,000 with the default minute).
	 */
	private final KeyedRateLimiter withoutCredentials;

	private final Cache<String, Boolean> reported;

	private final Counter refused;

	FailedSignInLimit(SignInProperties.FailedAttempts limit, BucketStore buckets, MeterRegistry meters) {
		this.failures = new KeyedRateLimiter(buckets, "sign-in",
				BucketLimit.background(limit.capacity(), limit.period()));
		this.withoutCredentials = new KeyedRateLimiter(new InMemoryBucketStore(), "anonymous", limit.capacity(),
				limit.period());
		// One log line per address and period, however long an attacker keeps trying.
		this.reported = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(limit.period()).build();
		this.refused = Counter.builder("acs.sign_in.rate_limited")
			.description("Failed sign-ins, and requests without credentials, refused with 429 because their "
					+ "address failed too often")
			.register(meters);
	}

	/**
	 * Counts a failed sign-in, or a request without credentials. A genuine token that
	 * merely expired does not count: front ends send those all the time, and behind a
	 * proxy many users share one address.
	 * @return empty when the failure is within the address's allowance (answer 401);
	 * otherwise how long until the address may fail again (answer 429)
	 */
	Optional<Duration> recordFailure(HttpServletRequest request, AuthenticationException failure) {
		if (onlyOutOfTime(failure)) {
			return Optional.empty();
		}
		String address = clientKey(request.getRemoteAddr());
		Optional<Duration> wait = (request.getHeader(HttpHeaders.AUTHORIZATION) != null)
				? this.failures.tryAcquire(address) : this.withoutCredentials.tryAcquire(address);
		if (wait.isPresent()) {
			this.refused.increment();
			if (this.reported.asMap().putIfAbsent(address, Boolean.TRUE) == null) {
				logger.warn("Failed sign-in limit reached by {}; its further failures get 429 for now", address);
			}
		}
		return wait;
	}

	/**
	 * The key of a client address: an IPv4 address as it is, an IPv6 address by its /64
	 * network, since one client is commonly given a whole /64 and could otherwise use a
	 * new address for every attempt (2^64 of them).
	 */
	static String clientKey(String address) {
		if (address == null || address.indexOf(':') < 0) {
			return address;
		}
		try {
			InetAddress parsed = InetAddress.getByName(address);
			if (parsed instanceof Inet6Address) {
				byte[] bytes = parsed.getAddress();
				StringBuilder network = new StringBuilder();
				for (int i = 0; i < 8; i += 2) {
					network.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
				}
				return network.append(":/64").toString();
			}
			return parsed.getHostAddress();
		}
		catch (UnknownHostException ex) {
			return address;
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
