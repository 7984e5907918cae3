package org.acstokenservice.emulator;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.Headers;

/**
 * Authenticates an Identity API request as ACS does: either an HMAC-SHA256 signature with
 * the resource's access key (date within 15 minutes of now, content hash of the body as
 * received), or a bearer token that a test has declared trusted, standing in for a
 * Microsoft Entra ID token. Anything else is 401 {@code Denied}.
 */
final class RequestAuthenticator {

	static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

	private static final String BEARER = "Bearer ";

	private static final Pattern AUTHORIZATION = Pattern.compile("HMAC-SHA256\\s+SignedHeaders=([^&]*)&Signature=(.*)",
			Pattern.CASE_INSENSITIVE);

	private final HmacSignature signature;

	private final Clock clock;

	private final Set<String> trustedBearerTokens;

	/**
	 * @param trustedBearerTokens read at each request, so that tokens trusted later count
	 * (a thread-safe set)
	 */
	RequestAuthenticator(HmacSignature signature, Clock clock, Set<String> trustedBearerTokens) {
		this.signature = signature;
		this.clock = clock;
		this.trustedBearerTokens = trustedBearerTokens;
	}

	/**
	 * Returns normally for an authentic request, throws 401 {@code Denied} otherwise.
	 * @param uri the request URI as received, still percent-encoded
	 * @param body the body as received, whose hash the signature covers
	 */
	void authenticate(String method, URI uri, Headers headers, byte[] body) {
		String authorization = requireHeader(headers, "Authorization");
		if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			// A Microsoft Entra ID token (managed identity) comes without HMAC headers.
			if (this.trustedBearerTokens.contains(authorization.substring(BEARER.length()).strip())) {
				return;
			}
			throw AcsError.denied("The bearer token is not valid for this resource.");
		}
		String date = requireHeader(headers, "x-ms-date");
		String contentHash = requireHeader(headers, "x-ms-content-sha256");
		String host = requireHeader(headers, "Host");
		Matcher matcher = AUTHORIZATION.matcher(authorization.strip());
		if (!matcher.matches() || !matcher.group(1).equalsIgnoreCase(HmacSignature.SIGNED_HEADERS)) {
			throw AcsError.denied("The 'Authorization' header is not an HMAC-SHA256 signature of "
					+ HmacSignature.SIGNED_HEADERS + ".");
		}
		Instant signedAt;
		try {
			signedAt = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw AcsError.denied("Request 'x-ms-date' is not a valid RFC 1123 date.");
		}
		if (Duration.between(signedAt, this.clock.instant()).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
			throw AcsError.denied("Request 'x-ms-date' is more than 15 minutes away from the server time.");
		}
		if (!HmacSignature.contentHash(body).equals(contentHash)) {
			throw AcsError.denied("Request 'x-ms-content-sha256' differs from generated content hash.");
		}
		String pathAndQuery = uri.getRawPath() + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		String signature = matcher.group(2).strip();
		for (String signedHost : signedHostCandidates(host)) {
			if (this.signature.matches(HmacSignature.stringToSign(method, pathAndQuery, date, signedHost, contentHash),
					signature)) {
				return;
			}
		}
		throw AcsError.denied("The request signature does not match.");
	}

	/**
	 * The host values a genuine SDK request may have signed. ACS checks the {@code Host}
	 * header as received, which is what the JavaScript SDK signs and sends (on Node it
	 * signs and sends {@code url.host + ":" + port}, so {@code 127.0.0.1:8443:8443} off
	 * the default port). The Java SDK signs {@code URL.getHost()}, without port, and sets
	 * {@code Host} to that, but the JDK HTTP client replaces the header with one that
	 * carries the port: so the header without its port is accepted too.
	 */
	static List<String> signedHostCandidates(String host) {
		String withoutPort = withoutPort(host);
		return withoutPort.equals(host) ? List.of(host) : List.of(host, withoutPort);
	}

	/** Drops a trailing port: {@code [::1]:8443} becomes {@code [::1]}. */
	static String withoutPort(String host) {
		int colon = host.lastIndexOf(':');
		return (colon > host.lastIndexOf(']')) ? host.substring(0, colon) : host;
	}

	private static String requireHeader(Headers headers, String name) {
		String value = headers.getFirst(name);
		if (value == null || value.isBlank()) {
			throw AcsError.denied("Request header '" + name + "' is missing.");
		}
		return value;
	}

}
