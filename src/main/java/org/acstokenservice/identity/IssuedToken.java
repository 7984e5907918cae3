package org.acstokenservice.identity;

import java.time.Instant;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.jspecify.annotations.Nullable;

/**
 * A token and the identity it was issued for.
 *
 * @param reused whether it was issued before and is handed back again; otherwise ACS
 * issued it for this request
 * @param reuse for a token that ACS issued for this request, what
 * {@link IdentityService#confirm} needs to offer it to later requests
 */
public record IssuedToken(String communicationUserId, AcsToken token, boolean reused, @Nullable Reuse reuse) {

	static IssuedToken fresh(String communicationUserId, AcsToken token, Reuse reuse) {
		return new IssuedToken(communicationUserId, token, false, reuse);
	}

	/**
	 * What a fresh token is reused for: its scopes, when it was issued and the identity's
	 * revocation generation then (a revocation meanwhile makes it unusable).
	 */
	public record Reuse(Set<AcsScope> scopes, Instant issuedAt, long revocationGeneration) {
	}

}
