package org.acstokenservice.security;

import java.util.Map;

/**
 * A signed-in principal other than a JWT that carries claims as a JWT would, such as
 * local mode's demo users: {@link AppUser#claims()} are read from it.
 */
public interface SignInClaims {

	/** The claims, by name. */
	Map<String, Object> claims();

}
