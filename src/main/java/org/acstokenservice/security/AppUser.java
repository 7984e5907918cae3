package org.acstokenservice.security;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The signed-in app user, as the validated sign-in says: never as the request body says.
 * Controllers take it as a parameter. Every sign-in method carries the user's roles and
 * tier as Spring Security authorities named {@code ROLE_x} and {@code TIER_x}
 * ({@link #roleAuthority}, {@link #tierAuthority}).
 *
 * @param id the user's id in the application
 * @param tier the user's tier, if the sign-in names one
 * @param roles the user's roles, such as {@code ADMIN}
 * @param claims what else the sign-in says of the user: a JWT's claims, or those of a
 * principal that implements {@link SignInClaims}; which ACS resource the user belongs to
 * is decided from them
 */
public record AppUser(String id, Optional<String> tier, Set<String> roles, Map<String, Object> claims) {

	/** The role of operators: the admin endpoints, metrics, and every look-up. */
	public static final String ADMIN = "ADMIN";

	/** Spring Security's prefix of a role's authority. */
	static final String ROLE_PREFIX = "ROLE_";

	/** This service's prefix of a tier's authority. */
	static final String TIER_PREFIX = "TIER_";

	public AppUser {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("An app user needs an id");
		}
		roles = Set.copyOf(roles);
		// A view, not a copy: made on every request, and a JWT may hold a null claim.
		claims = (claims != null) ? Collections.unmodifiableMap(claims) : Map.of();
	}

	/** A user whose sign-in says nothing but id, tier and roles. */
	public AppUser(String id, Optional<String> tier, Set<String> roles) {
		this(id, tier, roles, Map.of());
	}

	/**
	 * A claim as a string: a string claim as it is, a number or boolean as text, and
	 * nothing for a list, an object or no such claim.
	 */
	public Optional<String> claim(String name) {
		Object value = this.claims.get(name);
		if (value instanceof String || value instanceof Number || value instanceof Boolean) {
			return Optional.of(value.toString());
		}
		return Optional.empty();
	}

	public boolean hasRole(String role) {
		return this.roles.contains(role);
	}

	public boolean isAdmin() {
		return hasRole(ADMIN);
	}

	/** The authority that grants a role, such as {@code ROLE_ADMIN}. */
	public static String roleAuthority(String role) {
		return ROLE_PREFIX + role;
	}

	/** The authority that names the user's tier, such as {@code TIER_standard}. */
	public static String tierAuthority(String tier) {
		return TIER_PREFIX + tier;
	}

}
