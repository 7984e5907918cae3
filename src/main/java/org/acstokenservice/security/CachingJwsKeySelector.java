package org.acstokenservice.security;

import java.security.Key;
import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * Selects the issuer's verification keys as Nimbus's {@link JWSVerificationKeySelector}
 * does, but converts each published key (a JWK) to a Java key once rather than on every
 * token: decoding an RSA modulus into a {@code BigInteger} was a quarter of the CPU time
 * of a signed-in request. The cache is keyed by the JWK instance, which the key set
 * source keeps until it fetches the set again, so a rotated key set is converted afresh.
 * It also shows the whole set to {@link IssuerKeys}, which tells the verified-token cache
 * when the issuer's keys changed, and asks it before the set is fetched again for a key
 * it does not hold.
 */
final class CachingJwsKeySelector implements JWSKeySelector<SecurityContext> {

	private static final JWKSelector ALL_KEYS = new JWKSelector(new JWKMatcher.Builder().build());

	private final JWSVerificationKeySelector<SecurityContext> selector;

	private final Cache<JWK, List<Key>> converted = Caffeine.newBuilder().weakKeys().maximumSize(64).build();

	private final IssuerKeys issuerKeys;

	CachingJwsKeySelector(JWSVerificationKeySelector<SecurityContext> selector, IssuerKeys issuerKeys) {
		this.selector = selector;
		this.issuerKeys = issuerKeys;
	}

	@Override
	public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
		if (!this.selector.isAllowed(header.getAlgorithm())) {
			return List.of();
		}
		JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
		if (matcher == null) {
			return List.of();
		}
		List<JWK> published = this.selector.getJWKSource().get(ALL_KEYS, context);
		this.issuerKeys.saw(published);
		List<JWK> matching = new JWKSelector(matcher).select(new JWKSet(published));
		if (matching.isEmpty()) {
			/*
			 * A key the set does not hold: the source would fetch the set again for every
			 * such token, so that a flood of forged tokens with made-up key ids would be
			 * a flood of fetches at the issuer. Fetched at most once in a while.
			 */
			if (!this.issuerKeys.mayFetch()) {
				return List.of();
			}
			matching = this.selector.getJWKSource().get(new JWKSelector(matcher), context);
			this.issuerKeys.saw(this.selector.getJWKSource().get(ALL_KEYS, context));
		}
		List<Key> keys = new ArrayList<>();
		for (JWK jwk : matching) {
			keys.addAll(this.converted.get(jwk, (key) -> KeyConverter.toJavaKeys(List.of(key))));
		}
		return keys;
	}

}
