package org.acstokenservice.security;

import java.security.Key;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CachingJwsKeySelectorTests {

	private final AtomicReference<JWKSet> published = new AtomicReference<>();

	private final IssuerKeys issuerKeys = new IssuerKeys();

	private final AtomicInteger changes = new AtomicInteger();

	/** Look-ups of particular keys: those that would make a real source fetch the set. */
	private final AtomicInteger keyLookUps = new AtomicInteger();

	private final CachingJwsKeySelector selector = new CachingJwsKeySelector(
			new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256), (jwkSelector, context) -> {
				if (jwkSelector.getMatcher().getKeyIDs() != null && !jwkSelector.getMatcher().getKeyIDs().isEmpty()) {
					this.keyLookUps.incrementAndGet();
				}
				return jwkSelector.select(this.published.get());
			}), this.issuerKeys);

	CachingJwsKeySelectorTests() {
		this.issuerKeys.onChange(this.changes::incrementAndGet);
	}

	@Test
	void selectWhenSameKeySetThenKeyConvertedOnce() throws Exception {
		RSAKey key = rsaKey("k1");
		this.published.set(new JWKSet(key.toPublicJWK()));

		List<Key> first = List.copyOf(this.selector.selectJWSKeys(header("k1", JWSAlgorithm.RS256), null));
		List<Key> second = List.copyOf(this.selector.selectJWSKeys(header("k1", JWSAlgorithm.RS256), null));

		assertThat(first).containsExactly(key.toRSAPublicKey());
		assertThat(second.get(0)).isSameAs(first.get(0));
	}

	@Test
	void selectWhenIssuerRotatedKeysThenOnlyTheNewKey() throws Exception {
		RSAKey old = rsaKey("k1");
		this.published.set(new JWKSet(old.toPublicJWK()));
		this.selector.selectJWSKeys(header("k1", JWSAlgorithm.RS256), null);
		RSAKey rotated = rsaKey("k2");
		this.published.set(new JWKSet(rotated.toPublicJWK()));

		assertThat(this.selector.selectJWSKeys(header("k1", JWSAlgorithm.RS256), null)).isEmpty();
		assertThat(List.<Key>copyOf(this.selector.selectJWSKeys(header("k2", JWSAlgorithm.RS256), null)))
			.containsExactly(rotated.toRSAPublicKey());
		assertThat(this.changes).as("the issuer's keys changed once").hasValue(1);
	}

	@Test
	void selectWhenKeySetFetchedAgainUnchangedThenNoChangeTold() throws Exception {
		RSAKey key = rsaKey("k1");
		this.published.set(new JWKSet(key.toPublicJWK()));
		this.selector.selectJWSKeys(header("k1", JWSAlgorithm.RS256), null);
		// A fetch makes new objects of the same keys.
		this.published.set(JWKSet.parse(new JWKSet(key.toPublicJWK()).toString()));

		this.selector.selectJWSKeys(header("k1", JWSAlgorithm.RS256), null);

		assertThat(this.changes).hasValue(0);
	}

	@Test
	void selectWhenFloodOfUnknownKeyIdsThenTheSetLookedUpOnceInAWhile() throws Exception {
		this.published.set(new JWKSet(rsaKey("k1").toPublicJWK()));

		for (int i = 0; i < 100; i++) {
			assertThat(this.selector.selectJWSKeys(header("made-up-" + i, JWSAlgorithm.RS256), null)).isEmpty();
		}

		assertThat(this.keyLookUps).as("at most one in " + IssuerKeys.FETCH_AT_MOST_EVERY).hasValue(1);
		assertThat(this.issuerKeys.checkedWithoutFetch()).as("the last one was refused without a look").isTrue();
		assertThat(this.issuerKeys.checkedWithoutFetch()).isFalse();
	}

	@Test
	void selectWhenKnownKeyThenNoLookUpThatWouldFetch() throws Exception {
		RSAKey key = rsaKey("k1");
		this.published.set(new JWKSet(key.toPublicJWK()));

		for (int i = 0; i < 10; i++) {
			assertThat(this.selector.selectJWSKeys(header("k1", JWSAlgorithm.RS256), null)).hasSize(1);
		}

		assertThat(this.keyLookUps).hasValue(0);
	}

	@Test
	void selectWhenAlgorithmNotAllowedThenNoKey() throws Exception {
		this.published.set(new JWKSet(rsaKey("k1").toPublicJWK()));

		assertThat(this.selector.selectJWSKeys(header("k1", JWSAlgorithm.HS256), null)).isEmpty();
		assertThat(this.selector.selectJWSKeys(header("k1", JWSAlgorithm.RS512), null)).isEmpty();
	}

	private static RSAKey rsaKey(String id) throws JOSEException {
		return new RSAKeyGenerator(2048).keyID(id).generate();
	}

	private static JWSHeader header(String keyId, JWSAlgorithm algorithm) {
		return new JWSHeader.Builder(algorithm).keyID(keyId).build();
	}

}
