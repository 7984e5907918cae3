package org.acstokenservice.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.JsonNode;

/**
 * The emulator's test-only endpoints under {@code /_emulator/}, for other processes (the
 * JVM that started the emulator uses {@link AcsEmulator#faults()} and
 * {@link AcsEmulator#limits()} directly):
 * <ul>
 * <li>{@code POST /_emulator/faults} adds one fault, e.g.
 * {@code {"fault":"status","status":503,"retryAfter":"2s","operation":"create-identity","next":3}}
 * or {@code {"fault":"latency","latency":"200ms","share":0.1}}: {@code fault} is one of
 * {@code latency}, {@code status}, {@code drop}, {@code drop-after-processing};
 * {@code operation} is optional (every operation); {@code next} (a burst) or
 * {@code share} (0..1, until cleared; 1 if neither is given). Answers 204.</li>
 * <li>{@code DELETE /_emulator/faults} removes every fault. Answers 204.</li>
 * <li>{@code GET /_emulator/limits} answers 200 with where each limit stands (see
 * {@link ResourceLimits.Usage}):
 * {@code {"enabled":true,"windowSeconds":30,"operations":{"issue-token":{"limit":1000,
 * "callsInWindow":900,"remaining":100,"throttledInWindow":0,"totalCalls":900,
 * "totalThrottled":0,"windowStart":"…","windowEnd":"…","retryAfterSeconds":0},…}}}.</li>
 * <li>{@code POST /_emulator/limits/spend} counts calls that another application on the
 * resource made just now, e.g. {@code {"operation":"issue-token","calls":900}}; answers
 * 200 {@code {"operation":"issue-token","counted":900,"throttled":0}} (calls beyond the
 * allowance were refused), or 409 {@code LimitsDisabled} when throttling is off.</li>
 * <li>{@code DELETE /_emulator/limits} forgets every call and refusal. Answers 204.</li>
 * </ul>
 * All need {@code Authorization: Bearer <the emulator's access key>}, so that nothing
 * else on the machine can make the emulator misbehave or read its traffic; otherwise 401.
 * Bad input is 400 {@code ValidationError} or {@code BadRequest}, in ACS's error shape.
 */
final class ControlApi implements HttpHandler {

	static final String FAULTS_PATH = "/_emulator/faults";

	static final String LIMITS_PATH = "/_emulator/limits";

	static final String SPEND_PATH = "/_emulator/limits/spend";

	/** More calls than any window admits: enough to spend any allowance. */
	static final int MAX_SPEND = 1_000_000;

	private static final int MAX_BODY_BYTES = 16 * 1024;

	private final byte[] expectedAuthorization;

	private final FaultInjector faults;

	private final ResourceLimits limits;

	ControlApi(String accessKey, FaultInjector faults, ResourceLimits limits) {
		this.expectedAuthorization = ("Bearer " + accessKey).getBytes(StandardCharsets.UTF_8);
		this.faults = faults;
		this.limits = limits;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try {
			WireResponse response;
			try {
				byte[] body = WireRequests.readBody(exchange, MAX_BODY_BYTES);
				response = answer(exchange, body);
			}
			catch (AcsError ex) {
				response = WireResponse.error(ex);
			}
			catch (IllegalArgumentException ex) {
				response = WireResponse.error(AcsError.validation(ex.getMessage()));
			}
			response.writeTo(exchange);
		}
		finally {
			exchange.close();
		}
	}

	private WireResponse answer(HttpExchange exchange, byte[] body) {
		String path = exchange.getRequestURI().getRawPath();
		Set<String> methods = switch (path) {
			case FAULTS_PATH -> Set.of("POST", "DELETE");
			case LIMITS_PATH -> Set.of("GET", "DELETE");
			case SPEND_PATH -> Set.of("POST");
			default -> throw new AcsError(404, "NotFound", "The requested resource was not found.");
		};
		String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
		if (!methods.contains(method)) {
			throw new AcsError(405, "MethodNotAllowed", "The method " + method + " is not allowed here.");
		}
		authenticate(exchange);
		return switch (method + " " + path) {
			case "POST " + FAULTS_PATH -> {
				inject(WireRequests.parseObject(body, false));
				yield new WireResponse(204, null);
			}
			case "DELETE " + FAULTS_PATH -> {
				this.faults.clear();
				yield new WireResponse(204, null);
			}
			case "GET " + LIMITS_PATH -> new WireResponse(200, limitsBody());
			case "DELETE " + LIMITS_PATH -> {
				this.limits.reset();
				yield new WireResponse(204, null);
			}
			case "POST " + SPEND_PATH -> spend(WireRequests.parseObject(body, false));
			default -> throw new IllegalStateException("No endpoint for " + method + " " + path);
		};
	}

	private void authenticate(HttpExchange exchange) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (authorization == null || !MessageDigest.isEqual(this.expectedAuthorization,
				authorization.strip().getBytes(StandardCharsets.UTF_8))) {
			throw AcsError.denied("The emulator's control endpoints need 'Authorization: Bearer <access key>'.");
		}
	}

	private LimitsBody limitsBody() {
		Map<String, UsageBody> operations = new LinkedHashMap<>();
		this.limits.usage()
			.forEach((limit, usage) -> operations.put(limit.propertyName(),
					new UsageBody(usage.perWindow(), usage.callsInWindow(), usage.remaining(),
							usage.throttledInWindow(), usage.totalCalls(), usage.totalThrottled(),
							usage.windowStart().toString(), usage.windowEnd().toString(),
							WireResponse.wholeSecondsUp(usage.retryAfter()))));
		LimitSettings settings = this.limits.settings();
		return new LimitsBody(settings.enabled(), settings.window().toSeconds(), operations);
	}

	private WireResponse spend(JsonNode request) {
		JsonNode operation = request.get("operation");
		if (operation == null || !operation.isString()) {
			throw new IllegalArgumentException("'operation' must name a limit, one of "
					+ Arrays.stream(AcsLimit.values()).map(AcsLimit::propertyName).toList() + ".");
		}
		AcsLimit limit = AcsLimit.fromName(operation.stringValue());
		JsonNode calls = request.get("calls");
		if (calls == null || !calls.isInt() || calls.intValue() < 1 || calls.intValue() > MAX_SPEND) {
			throw new IllegalArgumentException("'calls' must be a whole number between 1 and " + MAX_SPEND + ".");
		}
		if (!this.limits.settings().enabled()) {
			throw new AcsError(409, "LimitsDisabled", "The emulator's limits are off: there is no allowance to spend.");
		}
		int counted = this.limits.spend(limit, calls.intValue());
		return new WireResponse(200, new SpentBody(limit.propertyName(), counted, calls.intValue() - counted));
	}

	private void inject(JsonNode request) {
		Fault fault = fault(request);
		AcsOperation operation = request.hasNonNull("operation")
				? AcsOperation.fromName(request.get("operation").asString()) : null;
		if (request.hasNonNull("next") && request.hasNonNull("share")) {
			throw new IllegalArgumentException("Give either 'next' or 'share', not both.");
		}
		if (request.hasNonNull("next")) {
			JsonNode next = request.get("next");
			if (!next.isInt()) {
				throw new IllegalArgumentException("'next' must be a whole number.");
			}
			if (operation != null) {
				this.faults.injectNext(next.intValue(), operation, fault);
			}
			else {
				this.faults.injectNext(next.intValue(), fault);
			}
			return;
		}
		JsonNode shareNode = request.get("share");
		if (shareNode != null && !shareNode.isNull() && !shareNode.isNumber()) {
			throw new IllegalArgumentException("'share' must be a number between 0 and 1.");
		}
		double share = (shareNode != null && shareNode.isNumber()) ? shareNode.doubleValue() : 1.0;
		if (operation != null) {
			this.faults.injectShare(share, operation, fault);
		}
		else {
			this.faults.injectShare(share, fault);
		}
	}

	private static Fault fault(JsonNode request) {
		String kind = request.path("fault").asString("");
		return switch (kind.toLowerCase(Locale.ROOT).replace('_', '-')) {
			case "latency" -> Fault.latency(duration(request, "latency"));
			case "status" -> {
				JsonNode status = request.get("status");
				if (status == null || !status.isInt()) {
					throw new IllegalArgumentException("A 'status' fault needs a whole-number 'status'.");
				}
				yield request.hasNonNull("retryAfter")
						? Fault.status(status.intValue(), duration(request, "retryAfter"))
						: Fault.status(status.intValue());
			}
			case "drop" -> Fault.drop();
			case "drop-after-processing" -> Fault.dropAfterProcessing();
			default -> throw new IllegalArgumentException(
					"'fault' must be one of latency, status, drop, drop-after-processing.");
		};
	}

	/**
	 * {@code "200ms"}, {@code "2s"}, {@code "PT2S"}, as Spring configuration reads them.
	 */
	private static Duration duration(JsonNode request, String field) {
		JsonNode node = request.get(field);
		if (node == null || !node.isString()) {
			throw new IllegalArgumentException("'" + field + "' must be a duration such as \"200ms\" or \"2s\".");
		}
		return DurationStyle.detectAndParse(node.stringValue());
	}

	/** The answer to {@code GET /_emulator/limits}. */
	record LimitsBody(boolean enabled, long windowSeconds, Map<String, UsageBody> operations) {

	}

	/** One limit in {@link LimitsBody}: {@link ResourceLimits.Usage} on the wire. */
	record UsageBody(int limit, int callsInWindow, int remaining, long throttledInWindow, long totalCalls,
			long totalThrottled, String windowStart, String windowEnd, long retryAfterSeconds) {

	}

	/** The answer to {@code POST /_emulator/limits/spend}. */
	record SpentBody(String operation, int counted, int throttled) {

	}

}
