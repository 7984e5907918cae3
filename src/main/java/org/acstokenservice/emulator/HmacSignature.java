package org.acstokenservice.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 request signature of ACS (the string to sign is the method, the path
 * with its query, and the date, host and content hash headers), computed exactly as the
 * SDK's {@code HmacAuthenticationPolicy} does, so that the emulator can check it byte for
 * byte and tests can sign requests of their own.
 */
final class HmacSignature {

	static final String SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256";

	static final String AUTHORIZATION_PREFIX = "HMAC-SHA256 SignedHeaders=" + SIGNED_HEADERS + "&Signature=";

	/** The SDK's format: {@code E, dd MMM yyyy HH:mm:ss 'GMT'}, US locale, UTC. */
	static final DateTimeFormatter DATE_FORMAT = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	private final SecretKeySpec key;

	HmacSignature(String base64AccessKey) {
		this.key = new SecretKeySpec(Base64.getDecoder().decode(base64AccessKey), "HmacSHA256");
	}

	static String contentHash(byte[] body) {
		try {
			return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * @param pathAndQuery the raw (still percent-encoded) path and query, as sent
	 * @param host the host without port: the SDK signs {@code URL.getHost()}
	 */
	static String stringToSign(String method, String pathAndQuery, String date, String host, String contentHash) {
		return method.toUpperCase(Locale.ROOT) + "\n" + pathAndQuery + "\n" + date + ";" + host + ";" + contentHash;
	}

	static String formatDate(Instant instant) {
		return DATE_FORMAT.format(instant);
	}

	String sign(String stringToSign) {
		try {
			// Mac is not thread-safe; a fresh one per call costs little next to TLS.
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * Compares in constant time, so that timing does not reveal how much of a guess was
	 * right.
	 */
	boolean matches(String stringToSign, String signature) {
		return MessageDigest.isEqual(sign(stringToSign).getBytes(StandardCharsets.US_ASCII),
				signature.getBytes(StandardCharsets.US_ASCII));
	}

	static String authorization(String signature) {
		return AUTHORIZATION_PREFIX + signature;
	}

}
