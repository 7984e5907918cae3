package org.acstokenservice.system;

import java.time.Duration;
import java.util.Map;

/**
 * A refusal that reaches the client as {@code application/problem+json} with a stable
 * {@link ErrorCode}. The detail is shown to the client: never put a secret in it.
 */
public class ProblemException extends RuntimeException {

	private final ErrorCode errorCode;

	private final Duration retryAfter;

	private final Map<String, Object> properties;

	public ProblemException(ErrorCode errorCode, String detail) {
		this(errorCode, detail, null, Map.of());
	}

	public ProblemException(ErrorCode errorCode, String detail, Map<String, Object> properties) {
		this(errorCode, detail, null, properties);
	}

	public ProblemException(ErrorCode errorCode, String detail, Duration retryAfter, Map<String, Object> properties) {
		super(detail);
		this.errorCode = errorCode;
		this.retryAfter = retryAfter;
		this.properties = Map.copyOf(properties);
	}

	public ErrorCode errorCode() {
		return this.errorCode;
	}

	/** How long the client should wait before trying again, or {@code null}. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/** Extra members of the problem body, such as the valid values of a field. */
	public Map<String, Object> properties() {
		return this.properties;
	}

}
