package org.acstokenservice.emulator;

import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Issues and checks the emulator's access tokens: RS256 JWTs with the claims that ACS
 * tokens carry ({@code skypeid}, {@code scp}, {@code csi}, {@code iat}, {@code exp},
 * {@code acsScope}, {@code resourceId}), plus a {@code jti} so that no two tokens are
 * equal and a {@value #GENERATION_CLAIM} claim that ties the token to the revocation
 * generation of its identity.
 */
final class AccessTokens {

	static final String GENERATION_CLAIM = "emulatorGeneration";

	/**
	 * A value seen in real ACS tokens; Microsoft says clients must not depend on the
	 * claims.
	 */
	private static final int SCP = 1792;

	private final String resourceId;

	private final String keyId;

	private final RSASSASigner signer;

	private final RSASSAVerifier verifier;

	AccessTokens(String resourceId, KeyPair signingKey) {
		this.resourceId = resourceId;
		RSAPublicKey publicKey = (RSAPublicKey) signingKey.getPublic();
		try {
			this.keyId = new RSAKey.Builder(publicKey).build().computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot compute the signing key's thumbprint", ex);
		}
		this.signer = new RSASSASigner((RSAPrivateKey) signingKey.getPrivate());
		this.verifier = new RSASSAVerifier(publicKey);
	}

	/**
	 * @param identity the raw id, e.g. {@code 8:acs:…} or {@code 8:orgid:…}
	 * @param issuedAt whole seconds, so that {@code exp} and {@code expiresOn} agree
	 * exactly
	 */
	String issue(String identity, List<String> scopes, int generation, Instant issuedAt, Instant expiresOn) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder()
			.claim("skypeid", identity.startsWith("8:") ? identity.substring(2) : identity)
			.claim("scp", SCP)
			.claim("csi", Long.toString(issuedAt.getEpochSecond()))
			.issueTime(Date.from(issuedAt))
			.expirationTime(Date.from(expiresOn))
			.claim("acsScope", String.join(",", scopes))
			.claim("resourceId", this.resourceId)
			.jwtID(UUID.randomUUID().toString())
			.claim(GENERATION_CLAIM, generation)
			.build();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(this.keyId).build(), claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign an access token", ex);
		}
		return jwt.serialize();
	}

	/**
	 * The claims of a token that this emulator signed for its resource and that has not
	 * expired at {@code now}; empty otherwise.
	 */
	Optional<JWTClaimsSet> verify(String token, Instant now) {
		if (token == null || token.isBlank()) {
			return Optional.empty();
		}
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(this.verifier)) {
				return Optional.empty();
			}
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			Date expiresOn = claims.getExpirationTime();
			if (!this.resourceId.equals(claims.getStringClaim("resourceId")) || expiresOn == null
					|| !now.isBefore(expiresOn.toInstant())) {
				return Optional.empty();
			}
			return Optional.of(claims);
		}
		catch (ParseException | JOSEException ex) {
			return Optional.empty();
		}
	}

}
