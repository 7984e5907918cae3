package org.acstokenservice.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Reads the app user from a validated JWT: the id from the configured claim, roles as
 * {@code ROLE_x} and the tier as {@code TIER_x}, as the demo users carry them.
 */
class AppUserJwtConverter implements Converter<Jwt, AbstractAuthenticationToken> {

	/**
	 * As long as {@code acs_identity.app_user_id} and the audit trail's columns allow.
	 */
	static final int MAX_USER_ID_LENGTH = 255;

	private final SignInProperties.Jwt claims;

	AppUserJwtConverter(SignInProperties.Jwt claims) {
		this.claims = claims;
	}

	@Override
	public AbstractAuthenticationToken convert(Jwt jwt) {
		String userId = jwt.getClaimAsString(this.claims.userIdClaim());
		if (userId == null || userId.isBlank()) {
			// Same answer as any other bad token: the reason stays in the server's log.
			throw new InvalidBearerTokenException("The token has no user id claim");
		}
		if (userId.length() > MAX_USER_ID_LENGTH) {
			/*
			 * The database could not store it: refused here rather than as a database
			 * error after the policy and ACS have been asked.
			 */
			throw new InvalidBearerTokenException(
					"The token's user id is longer than " + MAX_USER_ID_LENGTH + " characters");
		}
		List<GrantedAuthority> authorities = new ArrayList<>();
		for (String role : roles(jwt.getClaims().get(this.claims.rolesClaim()))) {
			authorities.add(new SimpleGrantedAuthority(AppUser.roleAuthority(role)));
		}
		String tier = jwt.getClaimAsString(this.claims.tierClaim());
		if (tier != null && !tier.isBlank()) {
			authorities.add(new SimpleGrantedAuthority(AppUser.tierAuthority(tier)));
		}
		return new JwtAuthenticationToken(jwt, authorities, userId);
	}

	private static List<String> roles(@Nullable Object claim) {
		if (claim instanceof Collection<?> values) {
			return values.stream().filter(String.class::isInstance).map(String.class::cast).toList();
		}
		if (claim instanceof String value) {
			return List.of(value.trim().split("\\s+"));
		}
		return List.of();
	}

}
