package org.acstokenservice.emulator;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACS Identity REST API over the JDK HTTP server: routes each request to one of the
 * five operations ({@link IdentityOperations}), has it authenticated
 * ({@link RequestAuthenticator}) and read ({@link WireRequests}) as ACS does, throttles
 * it ({@link ResourceLimits}), applies the injected faults, and answers with ACS's status
 * codes and bodies ({@link WireResponse}).
 * <p>
 * A request goes through, in this order: routing (404, 405), authentication (401), the
 * api-version check (400), counting ({@link RequestCounts}), throttling (429 with
 * {@code Retry-After}: the operation does not run and no fault is looked at or used up),
 * faults, and the operation. An admitted request counts against its limit whatever its
 * answer (a 400, a 404, an injected fault), as every request that reaches ACS does. An
 * unknown or missing api-version is 400 {@code UnsupportedApiVersion}, a choice where
 * ACS's exact answer is not documented.
 */
final class IdentityApi implements HttpHandler {

	private static final int MAX_BODY_BYTES = 1 << 20;

	static final String REPEATABILITY_REQUEST_ID = "Repeatability-Request-ID";

	static final String REPEATABILITY_RESULT = "Repeatability-Result";

	private static final Logger logger = LoggerFactory.getLogger(IdentityApi.class);

	private final IdentityOperations operations;

	private final RequestAuthenticator authenticator;

	private final RepeatableRequests<WireResponse> repeatableCreates;

	private final FaultInjector faults;

	private final RequestCounts requestCounts;

	private final ResourceLimits limits;

	private final ScheduledExecutorService scheduler;

	/**
	 * @param scheduler runs delayed answers (the server's own pool, so that a delay holds
	 * no thread)
	 */
	IdentityApi(IdentityOperations operations, RequestAuthenticator authenticator, Clock clock, FaultInjector faults,
			RequestCounts requestCounts, ResourceLimits limits, ScheduledExecutorService scheduler) {
		this.operations = operations;
		this.authenticator = authenticator;
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
		String apiVersion = WireRequests.apiVersion(exchange.getRequestURI().getRawQuery());
		this.requestCounts.record(route.operation());
		// A create's body decides its limit; other bodies are the operation's.
		boolean createsToken = route.operation() == AcsOperation.CREATE_IDENTITY && WireRequests.createsToken(body);
		throttle(AcsLimit.of(route.operation(), createsToken));
		return new Call(exchange, route, body, apiVersion, this.faults.decide(route.operation()));
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
			return call.route().handler().apply(call.body(), call.apiVersion());
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
					(body, apiVersion) -> this.repeatableCreates
						.run(requestId, () -> this.operations.createIdentity(body, apiVersion))
						.withHeader(REPEATABILITY_RESULT, (requestId != null) ? "accepted" : null));
		}
		if (segments.size() == 2 && segments.get(0).equals("identities")) {
			String id = segments.get(1);
			return requireMethod(method, "DELETE", AcsOperation.DELETE,
					(body, apiVersion) -> this.operations.deleteIdentity(id));
		}
		if (segments.size() == 3 && segments.get(0).equals("identities")) {
			String id = segments.get(1);
			if (segments.get(2).equals(":issueAccessToken")) {
				return requireMethod(method, "POST", AcsOperation.ISSUE_TOKEN,
						(body, apiVersion) -> this.operations.issueAccessToken(id, body, apiVersion));
			}
			if (segments.get(2).equals(":revokeAccessTokens")) {
				return requireMethod(method, "POST", AcsOperation.REVOKE,
						(body, apiVersion) -> this.operations.revokeAccessTokens(id));
			}
		}
		if (segments.size() == 2 && segments.get(0).equals("teamsUser")
				&& segments.get(1).equals(":exchangeAccessToken")) {
			return requireMethod(method, "POST", AcsOperation.TEAMS_EXCHANGE,
					(body, apiVersion) -> this.operations.exchangeTeamsToken(body));
		}
		throw new AcsError(404, "NotFound", "The requested resource was not found.");
	}

	private static Route requireMethod(String actual, String expected, AcsOperation operation,
			BiFunction<byte[], String, WireResponse> handler) {
		if (!expected.equalsIgnoreCase(actual)) {
			throw new AcsError(405, "MethodNotAllowed", "The method " + actual + " is not allowed here.");
		}
		return new Route(operation, handler);
	}

	/** An operation and what answers it, given the body and the api-version. */
	private record Route(AcsOperation operation, BiFunction<byte[], String, WireResponse> handler) {

	}

	private record Call(HttpExchange exchange, Route route, byte[] body, String apiVersion,
			FaultInjector.Decision decision) {

	}

}
