package org.acstokenservice.policy;

import java.time.Duration;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.security.AppUser;

/**
 * What a rule decides on: the user, the user's tier, and the token the policy would
 * grant.
 */
public record EligibilityRequest(AppUser user, String tier, Set<AcsScope> scopes, Duration lifetime) {
}
