package org.acstokenservice.security;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How users sign in. The issuer, audience and keys are Spring's standard
 * {@code spring.security.oauth2.resourceserver.jwt.*} properties.
 *
 * @param jwt how the claims of a validated token become an app user
 * @param failedAttempts how many failed sign-ins one client address may make
 * @param verifiedTokens how long a bearer token, once verified, is trusted without
 * verifying its signature again
 * @param corsAllowedOrigins the browser origins that may call the service, such as
 * {@code https://app.example.com}; empty (the default) allows none
 */
@ConfigurationProperties("token-service.sign-in")
public record SignInProperties(@DefaultValue Jwt jwt, @DefaultValue FailedAttempts failedAttempts,
		@DefaultValue VerifiedTokens verifiedTokens, List<String> corsAllowedOrigins) {

	private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

	public SignInProperties {
		corsAllowedOrigins = (corsAllowedOrigins != null) ? List.copyOf(corsAllowedOrigins) : List.of();
		for (String origin : corsAllowedOrigins) {
			if (!ORIGIN.matcher(origin).matches()) {
				throw new IllegalArgumentException("token-service.sign-in.cors-allowed-origins: '" + origin
						+ "' is not an origin such as https://app.example.com (no wildcard, path or trailing slash)");
			}
		}
	}

	/**
	 * Claim names, so that Entra ID, Auth0 and Keycloak all fit without code.
	 *
	 * @param userIdClaim the claim that holds the app user id: {@code sub}, or
	 * {@code oid} for Entra ID's object id
	 * @param rolesClaim the claim that holds the user's roles, a list or a
	 * space-separated string: {@code roles} for Entra ID app roles
	 * @param tierClaim the claim that holds the user's tier; users without it get
	 * {@code token-service.policy.default-tier}
	 */
	public record Jwt(@DefaultValue("sub") String userIdClaim, @DefaultValue("roles") String rolesClaim,
			@DefaultValue("tier") String tierClaim) {
	}

	/**
	 * A limit on failed sign-ins per client address (per /64 for IPv6), against password
	 * and token guessing. Behind a proxy set
	 * {@code server.forward-headers-strategy=native} so that the address is the client's.
	 *
	 * @param capacity how many failures an address may have in a burst
	 * @param period how long a spent allowance takes to come back in full
	 * @param refusalDelay how long a further failure from an address that has spent its
	 * allowance waits for its 429 (no thread waits with it), so that a flood of bad
	 * sign-ins cannot take the machine from signed-in users; {@code 0} answers at once
	 */
	public record FailedAttempts(@DefaultValue("10") int capacity, @DefaultValue("1m") Duration period,
			@DefaultValue("50ms") Duration refusalDelay) {

		public FailedAttempts {
			if (capacity < 1 || period.isNegative() || period.isZero()) {
				throw new IllegalArgumentException(
						"token-service.sign-in.failed-attempts.capacity must be at least 1 and "
								+ "token-service.sign-in.failed-attempts.period positive");
			}
			if (refusalDelay.isNegative() || refusalDelay.compareTo(Duration.ofSeconds(5)) > 0) {
				throw new IllegalArgumentException(
						"token-service.sign-in.failed-attempts.refusal-delay must be between 0 and 5s");
			}
		}

	}

	/**
	 * A cache of bearer tokens that passed every check (signature, issuer, audience,
	 * expiry), keyed by a SHA-256 hash of the token, so that a front end that sends the
	 * same token again does not pay for the signature check again. An entry never
	 * outlives the token's {@code exp}, nor {@code max-age}, nor the issuer's key set: a
	 * key that the issuer withdraws stops being trusted when the key set is fetched again
	 * without it (Spring fetches it at most every 5 minutes, when a token needs it) or
	 * {@code max-age} after the token was verified, whichever comes first.
	 *
	 * @param enabled whether verified tokens are remembered
	 * @param maxSize how much memory the remembered tokens may take at most: each is
	 * weighed by its size, since a large tenant's tokens are many kilobytes each
	 * @param maxAge how long at most a verified token is trusted without a new check
	 */
	public record VerifiedTokens(@DefaultValue("true") boolean enabled, @DefaultValue("8MB") DataSize maxSize,
			@DefaultValue("5m") Duration maxAge) {

		public VerifiedTokens {
			if (maxSize.toBytes() < 1024 || maxAge.isNegative() || maxAge.isZero()) {
				throw new IllegalArgumentException(
						"token-service.sign-in.verified-tokens.max-size must be at least 1KB and "
								+ "token-service.sign-in.verified-tokens.max-age positive");
			}
		}

	}

}
