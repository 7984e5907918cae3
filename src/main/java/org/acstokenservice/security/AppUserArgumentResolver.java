package org.acstokenservice.security;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Turns the authenticated principal into an {@link AppUser}. Every sign-in method maps
 * its tier and roles to the authorities that {@link AppUser} names, so this reads them
 * alike.
 */
class AppUserArgumentResolver implements HandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return AppUser.class.equals(parameter.getParameterType());
	}

	@Override
	public AppUser resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest, @Nullable WebDataBinderFactory binderFactory) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			throw new ProblemException(ErrorCode.UNAUTHORIZED, "Sign in first.");
		}
		return toAppUser(authentication);
	}

	static AppUser toAppUser(Authentication authentication) {
		Optional<String> tier = Optional.empty();
		Set<String> roles = new HashSet<>();
		for (GrantedAuthority granted : authentication.getAuthorities()) {
			String authority = granted.getAuthority();
			if (authority == null) {
				continue;
			}
			if (authority.startsWith(AppUser.TIER_PREFIX)) {
				tier = Optional.of(authority.substring(AppUser.TIER_PREFIX.length()));
			}
			else if (authority.startsWith(AppUser.ROLE_PREFIX)) {
				roles.add(authority.substring(AppUser.ROLE_PREFIX.length()));
			}
		}
		return new AppUser(authentication.getName(), tier, roles, claims(authentication));
	}

	private static Map<String, Object> claims(Authentication authentication) {
		if (authentication instanceof JwtAuthenticationToken jwt) {
			return jwt.getTokenAttributes();
		}
		if (authentication.getPrincipal() instanceof SignInClaims principal) {
			return principal.claims();
		}
		return Map.of();
	}

}
