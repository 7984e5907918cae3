package org.acstokenservice.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.sun.net.httpserver.HttpExchange;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * An answer of the emulator as it goes on the wire: a status, a JSON body shaped like
 * ACS's (one of the records nested here, or none) and extra headers. Both of the
 * emulator's APIs answer with it.
 *
 * @param status the HTTP status
 * @param body serialized as JSON; {@code null} sends no body
 * @param headers sent as they are
 */
record WireResponse(int status, @Nullable Object body, Map<String, String> headers) {

	/** ACS's form: {@code 2026-11-29T10:00:00.0000000+00:00}. */
	static final DateTimeFormatter EXPIRES_ON = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSxxx")
		.withZone(ZoneOffset.UTC);

	private static final JsonMapper json = JsonMapper.builder().build();

	WireResponse(int status, @Nullable Object body) {
		this(status, body, Map.of());
	}

	/**
	 * ACS's error body, {@code {"error":{"code","message"}}}, with the error's status.
	 */
	static WireResponse error(AcsError error) {
		return new WireResponse(error.status(), new ErrorBody(new ErrorDetail(error.code(), error.getMessage())))
			.withRetryAfter(error.retryAfter());
	}

	/** This answer with one more header; unchanged when the value is {@code null}. */
	WireResponse withHeader(String name, @Nullable String value) {
		if (value == null) {
			return this;
		}
		Map<String, String> headers = new LinkedHashMap<>(this.headers);
		headers.put(name, value);
		return new WireResponse(this.status, this.body, Map.copyOf(headers));
	}

	/**
	 * This answer with {@code Retry-After} in whole seconds, rounded up so that a client
	 * that waits that long is not early; unchanged when {@code null}.
	 */
	WireResponse withRetryAfter(@Nullable Duration retryAfter) {
		if (retryAfter == null) {
			return this;
		}
		return withHeader("Retry-After", Long.toString(wholeSecondsUp(retryAfter)));
	}

	/** Whole seconds, rounded up: what {@code Retry-After} says of this wait. */
	static long wholeSecondsUp(Duration wait) {
		return (wait.toMillis() + 999) / 1000;
	}

	/** Sends the headers and the body; the caller closes the exchange. */
	void writeTo(HttpExchange exchange) throws IOException {
		this.headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
		if (this.body == null) {
			exchange.sendResponseHeaders(this.status, -1);
			return;
		}
		byte[] bytes = json.writeValueAsBytes(this.body);
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
		exchange.sendResponseHeaders(this.status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	record ErrorBody(ErrorDetail error) {

	}

	record ErrorDetail(String code, @Nullable String message) {

	}

	record IdentityBody(String id) {

	}

	record AccessTokenBody(String token, String expiresOn) {

		AccessTokenBody(String token, Instant expiresOn) {
			this(token, EXPIRES_ON.format(expiresOn));
		}

	}

	/** The answer to a create: {@code accessToken} only when scopes were asked. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record CreatedBody(IdentityBody identity, @Nullable AccessTokenBody accessToken) {

	}

}
