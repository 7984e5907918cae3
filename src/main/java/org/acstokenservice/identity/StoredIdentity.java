package org.acstokenservice.identity;

import java.time.Instant;

import org.acstokenservice.acs.AcsResources;
import org.jspecify.annotations.Nullable;

/**
 * An app user's ACS identity in one ACS resource, as the service stores it.
 *
 * @param appUserId the user's id in the application, from the validated sign-in
 * @param communicationUserId the raw ACS identity, {@code 8:acs:…}
 * @param createdAt when the service created the identity
 * @param tokensRevokedAt when the user's tokens were last revoked, if ever
 * @param revocationGeneration how often the user's tokens were revoked: a token issued
 * under an earlier generation is revoked
 * @param resource the name of the ACS resource the identity lives in
 */
public record StoredIdentity(String appUserId, String communicationUserId, Instant createdAt,
		@Nullable Instant tokensRevokedAt, long revocationGeneration, String resource) {

	/**
	 * An identity in the default resource at revocation generation 0, as a new one is.
	 */
	public StoredIdentity(String appUserId, String communicationUserId, Instant createdAt,
			@Nullable Instant tokensRevokedAt) {
		this(appUserId, communicationUserId, createdAt, tokensRevokedAt, 0, AcsResources.DEFAULT);
	}

	/** A new identity, at revocation generation 0, in a resource. */
	static StoredIdentity created(String appUserId, String resource, String communicationUserId, Instant createdAt) {
		return new StoredIdentity(appUserId, communicationUserId, createdAt, null, 0, resource);
	}

}
