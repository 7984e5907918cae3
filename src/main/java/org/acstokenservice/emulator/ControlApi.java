package org.acstokenservice.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.JsonNode;

/**
 * The emulator's test-only endpoints under {@code /_emulator/}, for other processes (the
 * JVM that started the emulator uses {@link AcsEmulator#faults()} directly):
 * <ul>
 * <li>{@code POST /_emulator/faults} adds one fault, e.g.
 * {@code {"fault":"status","status":503,"retryAfter":"2s","operation":"create-identity","next":3}}
 * or {@code {"fault":"latency","latency":"200ms","share":0.1}}: {@code fault} is one of
 * {@code latency}, {@code status}, {@code drop}, {@code drop-after-processing};
 * {@code operation} is optional (every operation); {@code next} (a burst) or
 * {@code share} (0..1, until cleared; 1 if neither is given). Answers 204.</li>
 * <li>{@code DELETE /_emulator/faults} removes every fault. Answers 204.</li>
 * </ul>
 * Both need {@code Authorization: Bearer <the emulator's access key>}, so that nothing
 * else on the machine can make the emulator misbehave; otherwise 401.
 */
final class ControlApi implements HttpHandler {

	static final String FAULTS_PATH = "/_emulator/faults";

	private static final int MAX_BODY_BYTES = 16 * 1024;

	private final byte[] expectedAuthorization;

	private final FaultInjector faults;

	ControlApi(String accessKey, FaultInjector faults) {
		this.expectedAuthorization = ("Bearer " + accessKey).getBytes(StandardCharsets.UTF_8);
		this.faults = faults;
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
		if (!exchange.getRequestURI().getRawPath().equals(FAULTS_PATH)) {
			throw new AcsError(404, "NotFound", "The requested resource was not found.");
		}
		String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
		if (!method.equals("POST") && !method.equals("DELETE")) {
			throw new AcsError(405, "MethodNotAllowed", "The method " + method + " is not allowed here.");
		}
		authenticate(exchange);
		if (method.equals("DELETE")) {
			this.faults.clear();
		}
		else {
			inject(WireRequests.parseObject(body, false));
		}
		return new WireResponse(204, null);
	}

	private void authenticate(HttpExchange exchange) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (authorization == null || !MessageDigest.isEqual(this.expectedAuthorization,
				authorization.strip().getBytes(StandardCharsets.UTF_8))) {
			throw AcsError.denied("The emulator's control endpoints need 'Authorization: Bearer <access key>'.");
		}
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

}
