package org.acstokenservice.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the claims of a validated sign-in token become an app user. The issuer, audience
 * and keys are Spring's standard {@code spring.security.oauth2.resourceserver.jwt.*}
 * properties.
 *
 * @param jwt the claim names
 */
@ConfigurationProperties("sign-in")
public record SignInProperties(@DefaultValue Jwt jwt) {

	/**
	 * Claim names, so that Entra ID, Auth0 and Keycloak all fit without code.
	 *
	 * @param userIdClaim the claim that holds the app user id: {@code sub}, or
	 * {@code oid} for Entra ID's object id
	 * @param rolesClaim the claim that holds the user's roles, a list or a
	 * space-separated string: {@code roles} for Entra ID app roles
	 * @param tierClaim the claim that holds the user's tier; users without it get
	 * {@code policy.default-tier}
	 */
	public record Jwt(@DefaultValue("sub") String userIdClaim, @DefaultValue("roles") String rolesClaim,
			@DefaultValue("tier") String tierClaim) {
	}

}
