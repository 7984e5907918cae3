package org.acstokenservice.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what a request carries and refuses what ACS refuses: the body (with a size
 * limit), a JSON object, its fields (scopes, {@code expiresInMinutes}, required strings),
 * the {@code api-version} and percent-encoded URL parts. Both of the emulator's APIs read
 * their requests here, so there is one body reader and one JSON parser.
 */
final class WireRequests {

	static final Set<String> API_VERSIONS = Set.of("2021-03-07", "2022-06-01", "2022-10-01", "2023-10-01");

	static final Set<String> SCOPES = Set.of("chat", "voip", "chat.join", "chat.join.limited", "voip.join");

	/**
	 * The scopes of the api-versions before 2023-10-01, whose specification lists only
	 * these two; the join scopes first appear in 2023-10-01. Which answer ACS gives for a
	 * join scope under an older version is a guess: the validation error it gives for any
	 * scope its specification does not list.
	 */
	static final Set<String> SCOPES_BEFORE_2023_10_01 = Set.of("chat", "voip");

	/** The first api-version whose specification lists the join scopes. */
	static final String JOIN_SCOPES_SINCE = "2023-10-01";

	static final int MIN_EXPIRES_IN_MINUTES = 60;

	static final int MAX_EXPIRES_IN_MINUTES = 1440;

	private static final JsonMapper json = JsonMapper.builder().build();

	private WireRequests() {
	}

	/** The whole body; 413 {@code RequestTooLarge} beyond {@code maxBytes}. */
	static byte[] readBody(HttpExchange exchange, int maxBytes) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			byte[] body = in.readNBytes(maxBytes + 1);
			if (body.length > maxBytes) {
				throw new AcsError(413, "RequestTooLarge", "The request body is too large.");
			}
			return body;
		}
	}

	/**
	 * The body as a JSON object; 400 {@code BadRequest} if it is not one.
	 * @param emptyIsObject whether an empty body reads as {@code {}} (a create may have
	 * none)
	 */
	static JsonNode parseObject(byte[] body, boolean emptyIsObject) {
		if (body.length == 0 && emptyIsObject) {
			return json.createObjectNode();
		}
		JsonNode node;
		try {
			node = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new AcsError(400, "BadRequest", "The request body is not valid JSON.");
		}
		if (node == null || !node.isObject()) {
			throw new AcsError(400, "BadRequest", "The request body must be a JSON object.");
		}
		return node;
	}

	/**
	 * Whether a create asks for a token too: its body is an object with a non-empty
	 * {@code createTokenWithScopes} array. Throttling needs to know before the operation
	 * reads the body, so this never fails: the operation answers a bad body.
	 */
	static boolean createsToken(byte[] body) {
		if (body.length == 0) {
			return false;
		}
		try {
			JsonNode scopes = json.readTree(body).get("createTokenWithScopes");
			return scopes != null && scopes.isArray() && !scopes.isEmpty();
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	/**
	 * The scopes of an array, without duplicates, in their order.
	 * @param field the field's name in ACS's validation messages
	 */
	static List<String> scopes(JsonNode node, String field, String apiVersion) {
		if (!node.isArray()) {
			throw AcsError.validation(field + ": The field must be an array of scopes.");
		}
		Set<String> valid = (apiVersion.compareTo(JOIN_SCOPES_SINCE) >= 0) ? SCOPES : SCOPES_BEFORE_2023_10_01;
		Set<String> scopes = new LinkedHashSet<>();
		for (JsonNode element : node) {
			if (!element.isString() || !valid.contains(element.stringValue())) {
				throw AcsError.validation(field + ": '" + element + "' is not a valid scope. Valid scopes: "
						+ String.join(", ", valid.stream().sorted().toList()) + ".");
			}
			scopes.add(element.stringValue());
		}
		return List.copyOf(scopes);
	}

	/** The request's {@code expiresInMinutes}, 60..1440; 1440 when absent. */
	static int expiresInMinutes(JsonNode request) {
		JsonNode node = request.get("expiresInMinutes");
		if (node == null || node.isNull()) {
			return MAX_EXPIRES_IN_MINUTES;
		}
		if (!node.isInt() || node.intValue() < MIN_EXPIRES_IN_MINUTES || node.intValue() > MAX_EXPIRES_IN_MINUTES) {
			throw AcsError.validation("ExpiresInMinutes: The field ExpiresInMinutes must be between "
					+ MIN_EXPIRES_IN_MINUTES + " and " + MAX_EXPIRES_IN_MINUTES + ".");
		}
		return node.intValue();
	}

	/**
	 * A string field that must be present and not blank.
	 * @param label the field's name in ACS's validation messages
	 */
	static String requiredString(JsonNode request, String name, String label) {
		JsonNode node = request.get(name);
		if (node == null || !node.isString() || node.stringValue().isBlank()) {
			throw AcsError.validation(label + ": The " + label + " field is required.");
		}
		return node.stringValue();
	}

	/**
	 * The request's api-version; 400 {@code UnsupportedApiVersion} unless the query names
	 * a stable one.
	 */
	static String apiVersion(@Nullable String rawQuery) {
		String apiVersion = null;
		if (rawQuery != null) {
			for (String parameter : rawQuery.split("&")) {
				int equals = parameter.indexOf('=');
				if (equals > 0 && decode(parameter.substring(0, equals)).equals("api-version")) {
					apiVersion = decode(parameter.substring(equals + 1));
				}
			}
		}
		if (apiVersion == null) {
			throw new AcsError(400, "UnsupportedApiVersion", "The 'api-version' query parameter is required.");
		}
		if (!API_VERSIONS.contains(apiVersion)) {
			throw new AcsError(400, "UnsupportedApiVersion",
					"The api-version '" + apiVersion + "' is not supported. Supported versions: "
							+ String.join(", ", API_VERSIONS.stream().sorted().toList()) + ".");
		}
		return apiVersion;
	}

	/**
	 * A percent-decoded path segment or query part; 400 {@code BadRequest} if malformed.
	 */
	static String decode(String raw) {
		try {
			// URLDecoder is for forms: keep a literal '+' a plus sign.
			return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new AcsError(400, "BadRequest", "The request URL is not correctly percent-encoded.");
		}
	}

}
