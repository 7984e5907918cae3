package org.acstokenservice.policy;

import java.time.Duration;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;

/** What the policy allows for one token: its scopes and its lifetime. */
public record TokenGrant(Set<AcsScope> scopes, Duration lifetime) {
}
