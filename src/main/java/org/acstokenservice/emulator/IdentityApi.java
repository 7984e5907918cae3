package org.acstokenservice.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ACS Identity REST API over the JDK HTTP server: authenticates each request by its
 * HMAC signature, checks the api-version and the body as ACS does, and answers with ACS's
 * status codes and bodies.
 * <p>
 * Choices where ACS's exact answer is not documented: an unknown or missing api-version
 * is 400 {@code UnsupportedApiVersion}; an identity that is not an ACS user id is 400
 * {@code ValidationError}; an unknown or deleted identity is 404 {@code IdentityNotFound}
 * (for every operation, deletion included); unparsable JSON is 400 {@code BadRequest}.
 * For the Teams exchange, a token that is not a JWT or has expired is 401
 * {@code InvalidAccessToken}, and a token whose {@code appid} or {@code oid} differs from
 * the request's {@code appId} or {@code userId} is 400 {@code ValidationError}.
 */
final class IdentityApi implements HttpHandler {

	static final Set<String> API_VERSIONS = Set.of("2021-03-07", "2022-06-01", "2022-10-01", "2023-10-01");

	static final Set<String> SCOPES = Set.of("chat", "voip", "chat.join", "chat.join.limited", "voip.join");

	static final int MIN_EXPIRES_IN_MINUTES = 60;

	static final int MAX_EXPIRES_IN_MINUTES = 1440;

	static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

	private static final int MAX_BODY_BYTES = 1 << 20;

	/** ACS's form: {@code 2026-11-29T10:00:00.0000000+00:00}. */
	static final DateTimeFormatter EXPIRES_ON = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSxxx")
		.withZone(ZoneOffset.UTC);

	private static final Pattern ACS_USER = Pattern
		.compile("8:acs:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})_(.+)");

	private static final String BEARER = "Bearer ";

	private static final Pattern AUTHORIZATION = Pattern.compile("HMAC-SHA256\\s+SignedHeaders=([^&]*)&Signature=(.*)",
			Pattern.CASE_INSENSITIVE);

	static final String REPEATABILITY_REQUEST_ID = "Repeatability-Request-ID";

	static final String REPEATABILITY_RESULT = "Repeatability-Result";

	private static final Logger logger = LoggerFactory.getLogger(IdentityApi.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final EmulatorState state;

	private final AccessTokens tokens;

	private final HmacSignature signature;

	private final Clock clock;

	private final RepeatableRequests<Response> repeatableCreates;

	private final FaultInjector faults;

	private final RequestCounts requestCounts;

	private final ScheduledExecutorService scheduler;

	private final Set<String> trustedBearerTokens;

	/**
	 * @param scheduler runs delayed answers (the server's own pool, so that a delay holds
	 * no thread)
	 */
	IdentityApi(EmulatorState state, AccessTokens tokens, HmacSignature signature, Clock clock, FaultInjector faults,
			RequestCounts requestCounts, ScheduledExecutorService scheduler, Set<String> trustedBearerTokens) {
		this.state = state;
		this.tokens = tokens;
		this.signature = signature;
		this.clock = clock;
		this.faults = faults;
		this.requestCounts = requestCounts;
		this.scheduler = scheduler;
		this.trustedBearerTokens = trustedBearerTokens;
		this.repeatableCreates = new RepeatableRequests<>(10_000, clock);
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		Call call;
		try {
			call = accept(exchange);
		}
		catch (RuntimeException ex) {
			try {
				send(exchange, errorResponse(exchange, ex));
			}
			finally {
				exchange.close();
			}
			return;
		}
		catch (IOException ex) {
			exchange.close();
			throw ex;
		}
		Duration delay = call.decision().delay();
		if (delay.isZero()) {
			answer(call);
		}
		else {
			// The exchange stays open: a pool thread answers later, none waits meanwhile.
			this.scheduler.schedule(() -> answer(call), delay.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	/** Reads, routes, authenticates and counts a request, and decides its faults. */
	private Call accept(HttpExchange exchange) throws IOException {
		byte[] body = readBody(exchange, MAX_BODY_BYTES);
		Route route = route(exchange);
		authenticate(exchange, body);
		checkApiVersion(exchange.getRequestURI().getRawQuery());
		this.requestCounts.record(route.operation());
		return new Call(exchange, route, body, this.faults.decide(route.operation()));
	}

	private void answer(Call call) {
		HttpExchange exchange = call.exchange();
		try {
			Fault fault = call.decision().outcome();
			Fault.Kind kind = (fault != null) ? fault.kind() : null;
			if (kind == Fault.Kind.DROP) {
				logger.debug("{} {} -> dropped (fault)", exchange.getRequestMethod(),
						exchange.getRequestURI().getRawPath());
				return;
			}
			Response response = (kind == Fault.Kind.STATUS) ? faultResponse(fault) : perform(call);
			if (kind == Fault.Kind.DROP_AFTER_PROCESSING) {
				logger.debug("{} {} -> {}, dropped (fault)", exchange.getRequestMethod(),
						exchange.getRequestURI().getRawPath(), response.status());
				return;
			}
			logger.debug("{} {} -> {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
					response.status());
			send(exchange, response);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
					ex);
		}
		finally {
			// Without an answer sent, closing the exchange closes the connection: the
			// dropped connection of a DROP fault.
			exchange.close();
		}
	}

	private Response perform(Call call) {
		try {
			return call.route().handler().apply(call.body());
		}
		catch (RuntimeException ex) {
			return errorResponse(call.exchange(), ex);
		}
	}

	private static Response errorResponse(HttpExchange exchange, RuntimeException ex) {
		if (ex instanceof AcsError error) {
			return Response.error(error);
		}
		logger.error("The ACS emulator failed to answer {} {}", exchange.getRequestMethod(),
				exchange.getRequestURI().getRawPath(), ex);
		return new Response(500,
				new ErrorBody(new ErrorDetail("InternalError", "The emulator failed to handle the request.")));
	}

	/** An ACS-shaped error, as ACS's throttling and gateway answer. */
	static Response faultResponse(Fault fault) {
		int status = fault.status();
		AcsError error = switch (status) {
			case 429 -> new AcsError(status, "TooManyRequests", "Rate limit exceeded. Try again later.");
			case 500 -> new AcsError(status, "InternalError", "An internal error occurred.");
			case 503 ->
				new AcsError(status, "ServiceUnavailable", "The service is temporarily unavailable. Try again later.");
			default -> new AcsError(status, "InjectedFault", "The emulator answered " + status + " as asked.");
		};
		Response response = Response.error(error);
		if (fault.retryAfter() != null) {
			long millis = fault.retryAfter().toMillis();
			response = response.withHeader("Retry-After", Long.toString((millis + 999) / 1000));
		}
		return response;
	}

	private Route route(HttpExchange exchange) {
		String method = exchange.getRequestMethod();
		List<String> segments = new ArrayList<>();
		for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
			if (!raw.isEmpty()) {
				segments.add(decode(raw));
			}
		}
		if (segments.size() == 1 && segments.get(0).equals("identities")) {
			String requestId = exchange.getRequestHeaders().getFirst(REPEATABILITY_REQUEST_ID);
			return requireMethod(method, "POST", AcsOperation.CREATE_IDENTITY,
					(body) -> this.repeatableCreates.run(requestId, () -> createIdentity(body))
						.withHeader(REPEATABILITY_RESULT, (requestId != null) ? "accepted" : null));
		}
		if (segments.size() == 2 && segments.get(0).equals("identities")) {
			String id = segments.get(1);
			return requireMethod(method, "DELETE", AcsOperation.DELETE, (body) -> deleteIdentity(id));
		}
		if (segments.size() == 3 && segments.get(0).equals("identities")) {
			String id = segments.get(1);
			if (segments.get(2).equals(":issueAccessToken")) {
				return requireMethod(method, "POST", AcsOperation.ISSUE_TOKEN, (body) -> issueAccessToken(id, body));
			}
			if (segments.get(2).equals(":revokeAccessTokens")) {
				return requireMethod(method, "POST", AcsOperation.REVOKE, (body) -> revokeAccessTokens(id));
			}
		}
		if (segments.size() == 2 && segments.get(0).equals("teamsUser")
				&& segments.get(1).equals(":exchangeAccessToken")) {
			return requireMethod(method, "POST", AcsOperation.TEAMS_EXCHANGE, this::exchangeTeamsToken);
		}
		throw new AcsError(404, "NotFound", "The requested resource was not found.");
	}

	private static Route requireMethod(String actual, String expected, AcsOperation operation,
			Function<byte[], Response> handler) {
		if (!expected.equalsIgnoreCase(actual)) {
			throw new AcsError(405, "MethodNotAllowed", "The method " + actual + " is not allowed here.");
		}
		return new Route(operation, handler);
	}

	private void authenticate(HttpExchange exchange, byte[] body) {
		Headers headers = exchange.getRequestHeaders();
		String authorization = requireHeader(headers, "Authorization");
		if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			// A Microsoft Entra ID token (managed identity): no HMAC headers come with
			// it.
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
		URI uri = exchange.getRequestURI();
		String pathAndQuery = uri.getRawPath() + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		String signature = matcher.group(2).strip();
		for (String signedHost : signedHostCandidates(host)) {
			if (this.signature.matches(HmacSignature.stringToSign(exchange.getRequestMethod(), pathAndQuery, date,
					signedHost, contentHash), signature)) {
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

	private static String requireHeader(Headers headers, String name) {
		String value = headers.getFirst(name);
		if (value == null || value.isBlank()) {
			throw AcsError.denied("Request header '" + name + "' is missing.");
		}
		return value;
	}

	/** Drops a trailing port: {@code [::1]:8443} becomes {@code [::1]}. */
	static String withoutPort(String host) {
		int colon = host.lastIndexOf(':');
		return (colon > host.lastIndexOf(']')) ? host.substring(0, colon) : host;
	}

	private static void checkApiVersion(String rawQuery) {
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
	}

	private Response createIdentity(byte[] body) {
		JsonNode request = parseObject(body, true);
		List<String> scopes = (request.get("createTokenWithScopes") != null)
				? scopes(request.get("createTokenWithScopes"), "CreateTokenWithScopes") : List.of();
		int expiresInMinutes = expiresInMinutes(request);
		EmulatorState.Identity identity = this.state.create(this.clock.instant());
		AccessTokenBody accessToken = scopes.isEmpty() ? null
				: issue(identity.id(), scopes, identity.generation(), expiresInMinutes);
		return new Response(201, new CreatedBody(new IdentityBody(identity.id()), accessToken));
	}

	private Response issueAccessToken(String id, byte[] body) {
		EmulatorState.Identity identity = requireIdentity(id);
		JsonNode request = parseObject(body, false);
		JsonNode scopesNode = request.get("scopes");
		if (scopesNode == null || scopesNode.isNull()) {
			throw AcsError.validation("Scopes: The Scopes field is required.");
		}
		List<String> scopes = scopes(scopesNode, "Scopes");
		if (scopes.isEmpty()) {
			throw AcsError.validation("Scopes: At least one scope is required.");
		}
		int expiresInMinutes = expiresInMinutes(request);
		return new Response(200, issue(identity.id(), scopes, identity.generation(), expiresInMinutes));
	}

	private Response revokeAccessTokens(String id) {
		requireIdentity(id);
		this.state.revoke(id, this.clock.instant()).orElseThrow(IdentityApi::identityNotFound);
		return new Response(204, null);
	}

	private Response deleteIdentity(String id) {
		requireIdentity(id);
		if (!this.state.delete(id, this.clock.instant())) {
			throw identityNotFound();
		}
		return new Response(204, null);
	}

	private Response exchangeTeamsToken(byte[] body) {
		JsonNode request = parseObject(body, false);
		String teamsToken = requiredString(request, "token", "Token");
		String appId = requiredString(request, "appId", "AppId");
		String userId = requiredString(request, "userId", "UserId");
		JWTClaimsSet claims;
		try {
			// The emulator cannot check Entra's signature; it checks what it can.
			JWT jwt = JWTParser.parse(teamsToken);
			if (jwt instanceof EncryptedJWT) {
				throw new ParseException("encrypted", 0);
			}
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw new AcsError(401, "InvalidAccessToken", "The provided access token is not a valid JWT.");
		}
		Instant now = this.clock.instant();
		Date expiresOn = claims.getExpirationTime();
		if (expiresOn == null || !now.isBefore(expiresOn.toInstant())) {
			throw new AcsError(401, "InvalidAccessToken", "The provided access token has expired.");
		}
		if (!appId.equals(stringClaim(claims, "appid"))) {
			throw AcsError.validation("AppId: The appId does not match the 'appid' claim of the provided token.");
		}
		if (!userId.equals(stringClaim(claims, "oid"))) {
			throw AcsError.validation("UserId: The userId does not match the 'oid' claim of the provided token.");
		}
		Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
		Instant expires = expiresOn.toInstant().truncatedTo(ChronoUnit.SECONDS);
		String token = this.tokens.issue("8:orgid:" + userId, List.of("voip", "chat"), 0, issuedAt, expires);
		return new Response(200, new AccessTokenBody(token, EXPIRES_ON.format(expires)));
	}

	private EmulatorState.Identity requireIdentity(String id) {
		Matcher matcher = ACS_USER.matcher(id);
		if (!matcher.matches()) {
			throw AcsError.validation("Id: '" + id + "' is not a Communication Services user identity.");
		}
		if (!matcher.group(1).equalsIgnoreCase(this.state.resourceId())) {
			throw new AcsError(401, "IdentityNotOwned", "Provided identity doesn't belong to the resource.");
		}
		return this.state.find(id).filter((identity) -> !identity.deleted()).orElseThrow(IdentityApi::identityNotFound);
	}

	private static AcsError identityNotFound() {
		return new AcsError(404, "IdentityNotFound", "The identity was not found or has been deleted.");
	}

	private AccessTokenBody issue(String id, List<String> scopes, int generation, int expiresInMinutes) {
		// Whole seconds, so that expiresOn and the token's exp agree exactly.
		Instant issuedAt = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Instant expiresOn = issuedAt.plus(Duration.ofMinutes(expiresInMinutes));
		String token = this.tokens.issue(id, scopes, generation, issuedAt, expiresOn);
		return new AccessTokenBody(token, EXPIRES_ON.format(expiresOn));
	}

	private static List<String> scopes(JsonNode node, String field) {
		if (!node.isArray()) {
			throw AcsError.validation(field + ": The field must be an array of scopes.");
		}
		Set<String> scopes = new LinkedHashSet<>();
		for (JsonNode element : node) {
			if (!element.isString() || !SCOPES.contains(element.stringValue())) {
				throw AcsError.validation(field + ": '" + element + "' is not a valid scope. Valid scopes: "
						+ String.join(", ", SCOPES.stream().sorted().toList()) + ".");
			}
			scopes.add(element.stringValue());
		}
		return List.copyOf(scopes);
	}

	private static int expiresInMinutes(JsonNode request) {
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

	private static String requiredString(JsonNode request, String name, String label) {
		JsonNode node = request.get(name);
		if (node == null || !node.isString() || node.stringValue().isBlank()) {
			throw AcsError.validation(label + ": The " + label + " field is required.");
		}
		return node.stringValue();
	}

	private static String stringClaim(JWTClaimsSet claims, String name) {
		Object value = claims.getClaim(name);
		return (value instanceof String string) ? string : null;
	}

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

	static byte[] readBody(HttpExchange exchange, int maxBytes) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			byte[] body = in.readNBytes(maxBytes + 1);
			if (body.length > maxBytes) {
				throw new AcsError(413, "RequestTooLarge", "The request body is too large.");
			}
			return body;
		}
	}

	private static String decode(String raw) {
		try {
			// URLDecoder is for forms: keep a literal '+' a plus sign.
			return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new AcsError(400, "BadRequest", "The request URL is not correctly percent-encoded.");
		}
	}

	static void send(HttpExchange exchange, Response response) throws IOException {
		response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
		if (response.body() == null) {
			exchange.sendResponseHeaders(response.status(), -1);
			return;
		}
		byte[] bytes = json.writeValueAsBytes(response.body());
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
		exchange.sendResponseHeaders(response.status(), bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	record Response(int status, Object body, Map<String, String> headers) {

		Response(int status, Object body) {
			this(status, body, Map.of());
		}

		static Response error(AcsError error) {
			return new Response(error.status(), new ErrorBody(new ErrorDetail(error.code(), error.getMessage())));
		}

		Response withHeader(String name, String value) {
			if (value == null) {
				return this;
			}
			Map<String, String> headers = new LinkedHashMap<>(this.headers);
			headers.put(name, value);
			return new Response(this.status, this.body, Map.copyOf(headers));
		}

	}

	private record Route(AcsOperation operation, Function<byte[], Response> handler) {

	}

	private record Call(HttpExchange exchange, Route route, byte[] body, FaultInjector.Decision decision) {

	}

	record ErrorBody(ErrorDetail error) {

	}

	record ErrorDetail(String code, String message) {

	}

	record IdentityBody(String id) {

	}

	record AccessTokenBody(String token, String expiresOn) {

	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record CreatedBody(IdentityBody identity, AccessTokenBody accessToken) {

	}

}
