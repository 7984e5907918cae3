package org.acstokenservice.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.acstokenservice.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CachingJwtDecoderTests {

	private static final SignInProperties.VerifiedTokens FIVE_MINUTES = new SignInProperties.VerifiedTokens(true,
			DataSize.ofMegabytes(1), Duration.ofMinutes(5));

	private final MutableClock clock = new MutableClock();

	private final List<String> verified = new ArrayList<>();

	/** Accepts a token until its expiry, and only while its key is not withdrawn. */
	private final IssuerStandIn issuer = new IssuerStandIn();

	private final IssuerKeys issuerKeys = new IssuerKeys();

	@Test
	void decodeWhenSameTokenAgainThenNotVerifiedAgain() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		String token = this.issuer.issue("alice", Duration.ofHours(1));

		Jwt first = decoder.decode(token);
		Jwt second = decoder.decode(token);

		assertThat(second).isSameAs(first);
		assertThat(second.getSubject()).isEqualTo("alice");
		assertThat(this.verified).containsExactly(token);
	}

	@Test
	void decodeWhenOtherTokenThenVerifiedOnItsOwn() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		String alice = this.issuer.issue("alice", Duration.ofHours(1));
		String bob = this.issuer.issue("bob", Duration.ofHours(1));

		assertThat(decoder.decode(alice).getSubject()).isEqualTo("alice");
		assertThat(decoder.decode(bob).getSubject()).isEqualTo("bob");
		assertThat(this.verified).containsExactly(alice, bob);
	}

	@Test
	void decodeWhenCachedTokenExpiredThenRejectedLikeAnyExpiredToken() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		String token = this.issuer.issue("alice", Duration.ofMinutes(2));
		decoder.decode(token);

		this.clock.advance(Duration.ofMinutes(2).plusSeconds(1));

		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token))
			.withMessageContaining("expired");
	}

	@Test
	void decodeWhenKeyWithdrawnThenTrustedNoLongerThanMaxAge() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		String token = this.issuer.issue("alice", Duration.ofHours(1));
		decoder.decode(token);
		this.issuer.withdrawKey();

		this.clock.advance(Duration.ofMinutes(4));
		assertThat(decoder.decode(token).getSubject()).as("within max-age").isEqualTo("alice");
		this.clock.advance(Duration.ofMinutes(1).plusSeconds(1));
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token))
			.withMessageContaining("key");
	}

	/**
	 * An attacker floods the service with distinct forged tokens of many kilobytes each:
	 * what the refusals keep stays within their byte budget, whatever the tokens carried.
	 */
	@Test
	void decodeWhenManyLargeForgedTokensThenRefusalsKeptWithinTheirBytes() {
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		this.issuer.withdrawKey();
		String padding = "x".repeat(1024);
		int tokens = (int) (2 * CachingJwtDecoder.REJECTED_MAX_BYTES / CachingJwtDecoder.REJECTED_ENTRY_BYTES);

		for (int i = 0; i < tokens; i++) {
			String forged = padding + i + "|" + this.clock.instant().plus(Duration.ofHours(1));
			assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(forged));
		}

		assertThat(decoder.rejectedBytes()).isPositive().isLessThanOrEqualTo(CachingJwtDecoder.REJECTED_MAX_BYTES);
	}

	/**
	 * A genuine token that merely expired is refused from memory too, and still reads as
	 * expired, so that the failed sign-in limit does not count its repeats.
	 */
	@Test
	void decodeWhenExpiredTokenRefusedAgainThenStillOnlyExpired() {
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		String token = this.issuer.issue("sleepy", Duration.ofMinutes(1));
		this.clock.advance(Duration.ofMinutes(2));

		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token))
				.satisfies((ex) -> assertThat(FailedSignInLimit.onlyOutOfTime(ex)).isTrue());
		}
		assertThat(this.verified).containsExactly(token);
	}

	@Test
	void decodeWhenRejectedThenRejectedAgainFromMemoryForAMinute() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		this.issuer.withdrawKey();
		String token = this.issuer.issue("mallory", Duration.ofHours(1));

		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
		for (int i = 0; i < 100; i++) {
			assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
		}
		assertThat(this.verified).containsExactly(token);

		this.clock.advance(CachingJwtDecoder.REJECTED_FOR.plusSeconds(1));
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
		assertThat(this.verified).containsExactly(token, token);
	}

	@Test
	void decodeWhenNotValidYetOrKeySetUnreachableThenNotRememberedAsBad() {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		String early = this.issuer.issue("early", Duration.ofHours(1));
		this.issuer.notValidYet = true;
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(early));
		this.issuer.notValidYet = false;
		assertThat(decoder.decode(early).getSubject()).isEqualTo("early");

		String unchecked = this.issuer.issue("unchecked", Duration.ofHours(1));
		this.issuer.keySetUnreachable = true;
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(unchecked));
		this.issuer.keySetUnreachable = false;
		assertThat(decoder.decode(unchecked).getSubject()).isEqualTo("unchecked");
	}

	@Test
	void decodeWhenIssuerKeysChangeThenEveryVerdictForgotten() throws Exception {
		JwtDecoder decoder = new CachingJwtDecoder(this.issuer, FIVE_MINUTES, this.clock, this.issuerKeys);
		String token = this.issuer.issue("alice", Duration.ofHours(1));
		decoder.decode(token);
		this.issuerKeys.saw(List.of(rsaKey("old")));
		this.issuer.withdrawKey();
		assertThat(decoder.decode(token).getSubject()).as("the key set has not been fetched again").isEqualTo("alice");

		this.issuerKeys.saw(List.of(rsaKey("new")));

		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
	}

	@Test
	void decodeWhenTokensOutweighTheBudgetThenOldestForgottenAndMemoryBounded() {
		SignInProperties.VerifiedTokens small = new SignInProperties.VerifiedTokens(true, DataSize.ofKilobytes(64),
				Duration.ofMinutes(5));
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.issuer, small, this.clock, this.issuerKeys);
		String padding = "x".repeat(1024);
		for (int i = 0; i < 20; i++) {
			decoder.decode(this.issuer.issue("user-" + i + padding, Duration.ofHours(1)));
		}
		this.verified.clear();

		for (int i = 0; i < 20; i++) {
			decoder.decode(this.issuer.issue("user-" + i + padding, Duration.ofHours(1)));
		}

		assertThat(this.verified).as("16 KB tokens: no more than a few fit in 64 KB").hasSizeGreaterThan(15);
	}

	private static JWK rsaKey(String id) throws Exception {
		return new RSAKeyGenerator(2048).keyID(id).generate();
	}

	/**
	 * Tokens are "subject|expiry"; the stand-in checks expiry and key as a real decoder
	 * would.
	 */
	private final class IssuerStandIn implements JwtDecoder {

		private boolean keyWithdrawn;

		boolean notValidYet;

		boolean keySetUnreachable;

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
			if (this.keySetUnreachable) {
				throw new JwtException("Couldn't retrieve remote JWK set");
			}
			if (this.keyWithdrawn) {
				throw new BadJwtException("Signed with an unknown key");
			}
			if (this.notValidYet) {
				throw new JwtValidationException("not valid yet",
						List.of(new OAuth2Error("invalid_token", "Jwt used before " + now, null)));
			}
			if (!now.isBefore(expiresAt)) {
				throw new JwtValidationException("expired",
						List.of(new OAuth2Error("invalid_token", "Jwt expired at " + expiresAt, null)));
			}
			return new Jwt(token, now, expiresAt, Map.of("alg", "RS256"), Map.of("sub", parts[0]));
		}

	}

}
