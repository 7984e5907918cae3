package org.acstokenservice.identity;

import java.time.Instant;

/**
 * An app user's ACS identity as the service stores it.
 *
 * @param appUserId the user's id in the application, from the validated sign-in
 * @param communicationUserId the raw ACS identity, {@code 8:acs:…}
 * @param createdAt when the service created the identity
 * @param tokensRevokedAt when the user's tokens were last revoked, or {@code null}
 * @param revocationGeneration how often the user's tokens were revoked: a token issued
 * under an earlier generation is revoked
 */
public record StoredIdentity(String appUserId, String communicationUserId, Instant createdAt, Instant tokensRevokedAt,
		long revocationGeneration) {

	/** An identity at revocation generation 0, as a new one is. */
	public StoredIdentity(String appUserId, String communicationUserId, Instant createdAt, Instant tokensRevokedAt) {
		this(appUserId, communicationUserId, createdAt, tokensRevokedAt, 0);
	}

}
