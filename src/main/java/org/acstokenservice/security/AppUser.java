package org.acstokenservice.security;

import java.util.Optional;
import java.util.Set;

/**
 * The signed-in app user, as the validated sign-in says: never as the request body says.
 * Controllers take it as a parameter.
 *
 * @param id the user's id in the application
 * @param tier the user's tier, if the sign-in names one
 * @param roles the user's roles, such as {@code ADMIN}
 */
public record AppUser(String id, Optional<String> tier, Set<String> roles) {

	public AppUser {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("An app user needs an id");
		}
		roles = Set.copyOf(roles);
	}

	public boolean hasRole(String role) {
		return this.roles.contains(role);
	}

}
