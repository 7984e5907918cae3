package org.acstokenservice.web;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.ErrorResponseException;

/**
 * A refusal that reaches the client as {@code application/problem+json} with a stable
 * {@link ErrorCode}. It carries its own status, body and {@code Retry-After}, as Spring's
 * {@link ErrorResponseException} does, so that the web layer renders it without knowing
 * who threw it. The detail is shown to the client: never put a secret in it.
 */
public class ProblemException extends ErrorResponseException {

	private final ErrorCode errorCode;

	private final String detail;

	private final @Nullable Duration retryAfter;

	private final Map<String, Object> properties;

	public ProblemException(ErrorCode errorCode, String detail) {
		this(errorCode, detail, null, Map.of());
	}

	public ProblemException(ErrorCode errorCode, String detail, Map<String, Object> properties) {
		this(errorCode, detail, null, properties);
	}

	/**
	 * @param errorCode the stable code, which gives the status
	 * @param detail what the client is told
	 * @param retryAfter how long the client should wait before trying again, if it should
	 * @param properties extra members of the body, such as the valid values of a field
	 */
	public ProblemException(ErrorCode errorCode, String detail, @Nullable Duration retryAfter,
			Map<String, Object> properties) {
		super(errorCode.status(), Problems.problem(errorCode, detail), null);
		this.errorCode = errorCode;
		this.detail = detail;
		this.retryAfter = retryAfter;
		this.properties = Map.copyOf(properties);
		this.properties.forEach(getBody()::setProperty);
		if (retryAfter != null) {
			getHeaders().set(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(retryAfter));
		}
	}

	public ErrorCode errorCode() {
		return this.errorCode;
	}

	/** How long the client should wait before trying again, if it should. */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/** Extra members of the problem body, such as the valid values of a field. */
	public Map<String, Object> properties() {
		return this.properties;
	}

	/** The detail the client is told. */
	@Override
	public String getMessage() {
		return this.detail;
	}

}
