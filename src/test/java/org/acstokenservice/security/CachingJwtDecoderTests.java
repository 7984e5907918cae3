package org.acstokenservice.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.acstokenservice.MutableClock;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CachingJwtDecoderTests {

	private static final SignInProperties.VerifiedTokens FIVE_MINUTES = new SignInProperties.VerifiedTokens(true, 100,
			Duration.ofMinutes(5));

	private final MutableClock clock = new MutableClock();

	private final List<String> verified = new ArrayList<>();

	/** Accepts a token until its expiry, and only while its key is not withdrawn. */
	private final IssuerStandIn issuer = new IssuerStandIn();

	@Test
	void decodeWhenSameTokenAgainThenNotVerifiedAgain() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock);
		String token = this.issuer.issue("alice", Duration.ofHours(1));

		Jwt first = decoder.decode(token);
		Jwt second = decoder.decode(token);

		assertThat(second).isSameAs(first);
		assertThat(second.getSubject()).isEqualTo("alice");
		assertThat(this.verified).containsExactly(token);
	}

	@Test
	void decodeWhenOtherTokenThenVerifiedOnItsOwn() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock);
		String alice = this.issuer.issue("alice", Duration.ofHours(1));
		String bob = this.issuer.issue("bob", Duration.ofHours(1));

		assertThat(decoder.decode(alice).getSubject()).isEqualTo("alice");
		assertThat(decoder.decode(bob).getSubject()).isEqualTo("bob");
		assertThat(this.verified).containsExactly(alice, bob);
	}

	@Test
	void decodeWhenCachedTokenExpiredThenRejectedLikeAnyExpiredToken() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock);
		String token = this.issuer.issue("alice", Duration.ofMinutes(2));
		decoder.decode(token);

		this.clock.advance(Duration.ofMinutes(2).plusSeconds(1));

		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token))
			.withMessageContaining("expired");
	}

	@Test
	void decodeWhenKeyWithdrawnThenTrustedNoLongerThanMaxAge() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock);
		String token = this.issuer.issue("alice", Duration.ofHours(1));
		decoder.decode(token);
		this.issuer.withdrawKey();

		this.clock.advance(Duration.ofMinutes(4));
		assertThat(decoder.decode(token).getSubject()).as("within max-age").isEqualTo("alice");
		this.clock.advance(Duration.ofMinutes(1).plusSeconds(1));
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token))
			.withMessageContaining("key");
	}

	@Test
	void decodeWhenRejectedThenNotRememberedAndRejectedAgain() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock);
		this.issuer.withdrawKey();
		String token = this.issuer.issue("mallory", Duration.ofHours(1));

		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
		assertThat(this.verified).containsExactly(token, token);
	}

	/**
	 * Tokens are "subject|expiry"; the stand-in checks expiry and key as a real decoder
	 * would.
	 */
	private final class IssuerStandIn implements JwtDecoder {

		private boolean keyWithdrawn;

		String issue(String subject, Duration lifetime) {
			return subject + "|" + CachingJwtDecoderTests.this.clock.instant().plus(lifetime);
		}

		void withdrawKey() {
			this.keyWithdrawn = true;
		}

		@Override
		public Jwt decode(String token) {
			CachingJwtDecoderTests.this.verified.add(token);
			String[] parts = token.split("\\|");
			Instant now = CachingJwtDecoderTests.this.clock.instant();
			Instant expiresAt = Instant.parse(parts[1]);
			if (this.keyWithdrawn) {
				throw new BadJwtException("Signed with an unknown key");
			}
			if (!now.isBefore(expiresAt)) {
				throw new BadJwtException("Jwt expired at " + expiresAt);
			}
			return new Jwt(token, now, expiresAt, Map.of("alg", "RS256"), Map.of("sub", parts[0]));
		}

	}

}
