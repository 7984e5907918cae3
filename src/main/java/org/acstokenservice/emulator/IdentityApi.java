package org.acstokenservice.emulator;

import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The ACS Identity REST API over the JDK HTTP server: routes each request to one of the
 * five operations, has it authenticated ({@link RequestAuthenticator}) and read
 * ({@link WireRequests}) as ACS does, throttles it ({@link ResourceLimits}), applies the
 * injected faults, and answers with ACS's status codes and bodies ({@link WireResponse}).
 * <p>
 * A request goes through, in this order: routing (404, 405), authentication (401), the
 * api-version check (400), counting ({@link RequestCounts}), throttling (429 with
 * {@code Retry-After}: the operation does not run and no fault is looked at or used up),
 * faults, and the operation. An admitted request counts against its limit whatever its
 * answer (a 400, a 404, an injected fault), as every request that reaches ACS does.
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

	private static final int MAX_BODY_BYTES = 1 << 20;

	private static final Pattern ACS_USER = Pattern
		.compile("8:acs:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})_(.+)");

	static final String REPEATABILITY_REQUEST_ID = "Repeatability-Request-ID";

	static final String REPEATABILITY_RESULT = "Repeatability-Result";

	private static final Logger logger = LoggerFactory.getLogger(IdentityApi.class);

	private final EmulatorState state;

	private final AccessTokens tokens;

	private final RequestAuthenticator authenticator;

	private final Clock clock;

	private final RepeatableRequests<WireResponse> repeatableCreates;

	private final FaultInjector faults;

	private final RequestCounts requestCounts;

	private final ResourceLimits limits;

	private final ScheduledExecutorService scheduler;

	/**
	 * @param scheduler runs delayed answers (the server's own pool, so that a delay holds
	 * no thread)
	 */
	IdentityApi(EmulatorState state, AccessTokens tokens, RequestAuthenticator authenticator, Clock clock,
			FaultInjector faults, RequestCounts requestCounts, ResourceLimits limits,
			ScheduledExecutorService scheduler) {
		this.state = state;
		this.tokens = tokens;
		this.authenticator = authenticator;
		this.clock = clock;
		this.faults = faults;
		this.requestCounts = requestCounts;
		this.limits = limits;
		this.scheduler = scheduler;
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
				errorResponse(exchange, ex).writeTo(exchange);
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

	/**
	 * Reads, routes, authenticates, counts and throttles a request, and decides its
	 * faults.
	 */
	private Call accept(HttpExchange exchange) throws IOException {
		byte[] body = WireRequests.readBody(exchange, MAX_BODY_BYTES);
		Route route = route(exchange);
		this.authenticator.authenticate(exchange.getRequestMethod(), exchange.getRequestURI(),
				exchange.getRequestHeaders(), body);
		WireRequests.checkApiVersion(exchange.getRequestURI().getRawQuery());
		this.requestCounts.record(route.operation());
		// A create's body decides its limit; other bodies are the operation's.
		boolean createsToken = route.operation() == AcsOperation.CREATE_IDENTITY && WireRequests.createsToken(body);
		throttle(AcsLimit.of(route.operation(), createsToken));
		return new Call(exchange, route, body, this.faults.decide(route.operation()));
	}

	/** Counts the call against its limit, or refuses it as ACS does beyond the limit. */
	private void throttle(AcsLimit limit) {
		long waitMillis = this.limits.admit(limit);
		if (waitMillis > 0) {
			LimitSettings settings = this.limits.settings();
			throw new AcsError(429, "TooManyRequests",
					"Rate limit exceeded for '" + limit.title() + "': this resource allows " + settings.perWindow(limit)
							+ " calls per " + settings.window().toSeconds() + " seconds. Try again later.",
					Duration.ofMillis(waitMillis));
		}
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
			WireResponse response = (fault != null && kind == Fault.Kind.STATUS) ? faultResponse(fault) : perform(call);
			if (kind == Fault.Kind.DROP_AFTER_PROCESSING) {
				logger.debug("{} {} -> {}, dropped (fault)", exchange.getRequestMethod(),
						exchange.getRequestURI().getRawPath(), response.status());
				return;
			}
			logger.debug("{} {} -> {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
					response.status());
			response.writeTo(exchange);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
					ex);
		}
		finally {
			// Closing an exchange without an answer closes the connection (a DROP fault).
			exchange.close();
		}
	}

	private WireResponse perform(Call call) {
		try {
			return call.route().handler().apply(call.body());
		}
		catch (RuntimeException ex) {
			return errorResponse(call.exchange(), ex);
		}
	}

	private static WireResponse errorResponse(HttpExchange exchange, RuntimeException ex) {
		if (ex instanceof AcsError error) {
			return WireResponse.error(error);
		}
		logger.error("The ACS emulator failed to answer {} {}", exchange.getRequestMethod(),
				exchange.getRequestURI().getRawPath(), ex);
		return WireResponse.error(new AcsError(500, "InternalError", "The emulator failed to handle the request."));
	}

	/** An ACS-shaped error, as ACS's throttling and gateway answer. */
	static WireResponse faultResponse(Fault fault) {
		int status = fault.status();
		AcsError error = switch (status) {
			case 429 -> new AcsError(status, "TooManyRequests", "Rate limit exceeded. Try again later.");
			case 500 -> new AcsError(status, "InternalError", "An internal error occurred.");
			case 503 ->
				new AcsError(status, "ServiceUnavailable", "The service is temporarily unavailable. Try again later.");
			default -> new AcsError(status, "InjectedFault", "The emulator answered " + status + " as asked.");
		};
		return WireResponse.error(error).withRetryAfter(fault.retryAfter());
	}

	private Route route(HttpExchange exchange) {
		String method = exchange.getRequestMethod();
		List<String> segments = new ArrayList<>();
		for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
			if (!raw.isEmpty()) {
				segments.add(WireRequests.decode(raw));
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
			Function<byte[], WireResponse> handler) {
		if (!expected.equalsIgnoreCase(actual)) {
			throw new AcsError(405, "MethodNotAllowed", "The method " + actual + " is not allowed here.");
		}
		return new Route(operation, handler);
	}

	private WireResponse createIdentity(byte[] body) {
		JsonNode request = WireRequests.parseObject(body, true);
		List<String> scopes = (request.get("createTokenWithScopes") != null)
				? WireRequests.scopes(request.get("createTokenWithScopes"), "CreateTokenWithScopes") : List.of();
		int expiresInMinutes = WireRequests.expiresInMinutes(request);
		EmulatorState.Identity identity = this.state.create(this.clock.instant());
		WireResponse.AccessTokenBody accessToken = scopes.isEmpty() ? null
				: issue(identity.id(), scopes, identity.generation(), expiresInMinutes);
		return new WireResponse(201,
				new WireResponse.CreatedBody(new WireResponse.IdentityBody(identity.id()), accessToken));
	}

	private WireResponse issueAccessToken(String id, byte[] body) {
		EmulatorState.Identity identity = requireIdentity(id);
		JsonNode request = WireRequests.parseObject(body, false);
		JsonNode scopesNode = request.get("scopes");
		if (scopesNode == null || scopesNode.isNull()) {
			throw AcsError.validation("Scopes: The Scopes field is required.");
		}
		List<String> scopes = WireRequests.scopes(scopesNode, "Scopes");
		if (scopes.isEmpty()) {
			throw AcsError.validation("Scopes: At least one scope is required.");
		}
		int expiresInMinutes = WireRequests.expiresInMinutes(request);
		return new WireResponse(200, issue(identity.id(), scopes, identity.generation(), expiresInMinutes));
	}

	private WireResponse revokeAccessTokens(String id) {
		requireIdentity(id);
		this.state.revoke(id, this.clock.instant()).orElseThrow(IdentityApi::identityNotFound);
		return new WireResponse(204, null);
	}

	private WireResponse deleteIdentity(String id) {
		requireIdentity(id);
		if (!this.state.delete(id, this.clock.instant())) {
			throw identityNotFound();
		}
		return new WireResponse(204, null);
	}

	private WireResponse exchangeTeamsToken(byte[] body) {
		JsonNode request = WireRequests.parseObject(body, false);
		String teamsToken = WireRequests.requiredString(request, "token", "Token");
		String appId = WireRequests.requiredString(request, "appId", "AppId");
		String userId = WireRequests.requiredString(request, "userId", "UserId");
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
		return new WireResponse(200, new WireResponse.AccessTokenBody(token, expires));
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

	private WireResponse.AccessTokenBody issue(String id, List<String> scopes, int generation, int expiresInMinutes) {
		// Whole seconds, so that expiresOn and the token's exp agree exactly.
		Instant issuedAt = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Instant expiresOn = issuedAt.plus(Duration.ofMinutes(expiresInMinutes));
		String token = this.tokens.issue(id, scopes, generation, issuedAt, expiresOn);
		return new WireResponse.AccessTokenBody(token, expiresOn);
	}

	private static @Nullable String stringClaim(JWTClaimsSet claims, String name) {
		Object value = claims.getClaim(name);
		return (value instanceof String string) ? string : null;
	}

	private record Route(AcsOperation operation, Function<byte[], WireResponse> handler) {

	}

	private record Call(HttpExchange exchange, Route route, byte[] body, FaultInjector.Decision decision) {

	}

}
