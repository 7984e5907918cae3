package org.acstokenservice.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers bearer tokens that the wrapped decoder accepted, so that a repeat caller's
 * token is not verified again (like Envoy's {@code jwt_authn} {@code jwt_cache_config}).
 * Only accepted tokens are kept, keyed by a SHA-256 hash of the token; an entry ends at
 * the token's {@code exp} (stricter than the decoder, which allows a minute of clock
 * skew) and after {@code maxAge} at most, so that a withdrawn signing key stops being
 * trusted as soon as it would by Spring's own key set cache. Issuer and audience do not
 * change with time, and a token not yet valid ({@code nbf}) is never accepted, so never
 * kept.
 */
final class CachingJwtDecoder implements JwtDecoder {

	private final JwtDecoder delegate;

	private final Clock clock;

	private final Duration maxAge;

	private final Cache<String, Jwt> verified;

	CachingJwtDecoder(JwtDecoder delegate, SignInProperties.VerifiedTokens settings, Clock clock) {
		this.delegate = delegate;
		this.clock = clock;
		this.maxAge = settings.maxAge();
		this.verified = Caffeine.newBuilder()
			.maximumSize(settings.maxEntries())
			.expireAfter(Expiry.creating((String key, Jwt jwt) -> lifetime(jwt)))
			.ticker(() -> nanos(clock.instant()))
			.build();
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		String key = sha256(token);
		Jwt cached = this.verified.getIfPresent(key);
		if (cached != null && (cached.getExpiresAt() == null || this.clock.instant().isBefore(cached.getExpiresAt()))) {
			return cached;
		}
		Jwt jwt = this.delegate.decode(token);
		if (!lifetime(jwt).isZero()) {
			this.verified.put(key, jwt);
		}
		return jwt;
	}

	/** Until the token expires, and no longer than the maximum age. */
	private Duration lifetime(Jwt jwt) {
		if (jwt.getExpiresAt() == null) {
			return this.maxAge;
		}
		Duration left = Duration.between(this.clock.instant(), jwt.getExpiresAt());
		if (left.isNegative()) {
			return Duration.ZERO;
		}
		return (left.compareTo(this.maxAge) < 0) ? left : this.maxAge;
	}

	private static long nanos(Instant instant) {
		return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
	}

	private static String sha256(String token) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JVM has SHA-256", ex);
		}
	}

}
