package org.acstokenservice.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Remembers what the wrapped decoder said of a bearer token, keyed by a SHA-256 hash of
 * the token, so that a repeat caller's token is not verified again (like Envoy's
 * {@code jwt_authn} {@code jwt_cache_config}) and a flood of one bad token costs a hash
 * and a look-up, not a signature check.
 * <ul>
 * <li><b>Accepted tokens</b> are kept until the token's {@code exp} (stricter than the
 * decoder, which allows a minute of clock skew) and for {@code max-age} at most, within a
 * budget of bytes ({@code max-size}: tokens and their claims are weighed, since a large
 * tenant's tokens are many kilobytes each). Issuer and audience do not change with time,
 * and a token not yet valid ({@code nbf}) is never accepted, so never kept.</li>
 * <li><b>Definitely bad tokens</b> (a bad signature, expired, a wrong issuer or audience,
 * malformed) are refused from memory for a minute. Never a token that could not be
 * checked (the key set could not be fetched) or one not valid yet. Only a marker is kept
 * per token hash, never the refusal built from what the token carried, within a budget of
 * bytes ({@link #REJECTED_MAX_BYTES}): a flood of large forged tokens costs at most that,
 * and the caller's answer is the same 401 whatever the reason.</li>
 * <li>When the issuer's key set is fetched again and has changed, both are forgotten: a
 * token verified with a key that the issuer withdrew is trusted until that fetch (Spring
 * fetches the key set at most every 5 minutes, when a token needs it) or its
 * {@code max-age}, whichever comes first; a token signed with a new key is no longer
 * refused.</li>
 * </ul>
 */
final class CachingJwtDecoder implements JwtDecoder {

	/** How long a definitely bad token is refused without a look. */
	static final Duration REJECTED_FOR = Duration.ofMinutes(1);

	/** What the refusals may take in memory. */
	static final long REJECTED_MAX_BYTES = 4L * 1024 * 1024;

	/** A refusal's weight: its key, a 64-character hash, and the cache's entry. */
	static final int REJECTED_ENTRY_BYTES = 64 + 160;

	/**
	 * Thrown for a token refused a moment ago: one instance, since the answer is the same
	 * 401 whatever the first refusal said.
	 */
	private static final BadJwtException REFUSED_BEFORE = new BadJwtException(
			"The bearer token was refused a moment ago");

	/**
	 * Thrown for a genuine token refused a moment ago because it had expired, which the
	 * failed sign-in limit does not count (see {@link FailedSignInLimit#onlyOutOfTime}).
	 */
	private static final JwtValidationException EXPIRED_BEFORE = new JwtValidationException(
			"The bearer token had expired a moment ago",
			List.of(new OAuth2Error("invalid_token", "Jwt expired a moment ago", null)));

	/** What a cached token costs beyond its characters: the Jwt, its maps, the entry. */
	private static final int ENTRY_OVERHEAD_BYTES = 512;

	private final JwtDecoder delegate;

	private final Clock clock;

	private final Duration maxAge;

	private final Cache<String, Jwt> verified;

	/** Whether each refused token had merely expired, by the token's hash. */
	private final Cache<String, Boolean> rejected;

	private final IssuerKeys issuerKeys;

	CachingJwtDecoder(JwtDecoder delegate, SignInProperties.VerifiedTokens settings, Clock clock,
			IssuerKeys issuerKeys) {
		this.delegate = delegate;
		this.clock = clock;
		this.maxAge = settings.maxAge();
		this.verified = Caffeine.newBuilder()
			.maximumWeight(settings.maxSize().toBytes())
			.weigher(CachingJwtDecoder::weigh)
			.expireAfter(Expiry.creating((String key, Jwt jwt) -> lifetime(jwt)))
			.ticker(() -> nanos(clock.instant()))
			.build();
		this.rejected = Caffeine.newBuilder()
			.maximumWeight(REJECTED_MAX_BYTES)
			.weigher((String key, Boolean expired) -> REJECTED_ENTRY_BYTES)
			.expireAfterWrite(REJECTED_FOR)
			.ticker(() -> nanos(clock.instant()))
			.build();
		this.issuerKeys = issuerKeys;
		issuerKeys.onChange(this::forgetAll);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		String key = sha256(token);
		Jwt cached = this.verified.getIfPresent(key);
		if (cached != null && (cached.getExpiresAt() == null || this.clock.instant().isBefore(cached.getExpiresAt()))) {
			return cached;
		}
		Boolean expired = this.rejected.getIfPresent(key);
		if (expired != null) {
			throw expired ? EXPIRED_BEFORE : REFUSED_BEFORE;
		}
		Jwt jwt;
		this.issuerKeys.checkedWithoutFetch();
		try {
			jwt = this.delegate.decode(token);
		}
		catch (BadJwtException ex) {
			// A key not fetched for lack of time may be a new one: no verdict to keep.
			if (!this.issuerKeys.checkedWithoutFetch() && !notValidYet(ex)) {
				this.rejected.put(key, FailedSignInLimit.onlyOutOfTime(ex));
			}
			throw ex;
		}
		if (!lifetime(jwt).isZero()) {
			this.verified.put(key, jwt);
		}
		return jwt;
	}

	/** The bytes the refusals take now, as weighed. */
	long rejectedBytes() {
		return this.rejected.policy().eviction().map((eviction) -> eviction.weightedSize().orElse(0)).orElse(0L);
	}

	/** Forgets every verdict: the issuer's keys changed. */
	void forgetAll() {
		this.verified.invalidateAll();
		this.rejected.invalidateAll();
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

	/**
	 * A token's weight in bytes, roughly: the token itself (one byte a character), its
	 * header and claims decoded (about twice as much again, as strings and maps), and the
	 * entry.
	 */
	static int weigh(String key, Jwt jwt) {
		return 3 * jwt.getTokenValue().length() + key.length() + ENTRY_OVERHEAD_BYTES;
	}

	private static boolean notValidYet(BadJwtException ex) {
		return ex instanceof JwtValidationException invalid && invalid.getErrors()
			.stream()
			.anyMatch(
					(error) -> error.getDescription() != null && error.getDescription().startsWith("Jwt used before"));
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
