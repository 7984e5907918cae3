package org.acstokenservice.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Reads a bearer token from the {@code Authorization} header as Spring's
 * {@link DefaultBearerTokenResolver} does, without its regular expression: matching the
 * whole token (an Entra ID token is one to several kilobytes) against it was 8 % of the
 * CPU time of a signed-in request. A well-formed {@code Bearer <token68>} header is
 * answered here; everything else (no header, another scheme, a malformed token) goes to
 * Spring's resolver, so that refusals and their errors stay Spring's.
 */
final class HeaderBearerTokenResolver implements BearerTokenResolver {

	private static final String PREFIX = "Bearer ";

	private final BearerTokenResolver fallback = new DefaultBearerTokenResolver();

	@Override
	public String resolve(HttpServletRequest request) {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
				&& isToken68(header, PREFIX.length())) {
			return header.substring(PREFIX.length());
		}
		return this.fallback.resolve(request);
	}

	/**
	 * RFC 6750's {@code b64token}, as Spring's pattern has it: one or more of
	 * {@code A-Z a-z 0-9 - . _ ~ + /}, then only {@code =} to the end.
	 */
	static boolean isToken68(String value, int from) {
		int i = from;
		while (i < value.length() && isTokenChar(value.charAt(i))) {
			i++;
		}
		if (i == from) {
			return false;
		}
		while (i < value.length() && value.charAt(i) == '=') {
			i++;
		}
		return i == value.length();
	}

	private static boolean isTokenChar(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~' || c == '+' || c == '/';
	}

}
