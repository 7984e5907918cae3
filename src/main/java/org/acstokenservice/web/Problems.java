package org.acstokenservice.web;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Builds every problem body of the service, so that the MVC advice, the security filter
 * chain and the error page all answer in the same shape.
 */
@Component
public class Problems {

	private final JsonMapper jsonMapper;

	Problems(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	public static ProblemDetail problem(ErrorCode errorCode, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(errorCode.status(), detail);
		problem.setType(errorCode.type());
		problem.setTitle(errorCode.title());
		problem.setProperty("code", errorCode.code());
		return problem;
	}

	static ResponseEntity<Object> response(ErrorCode errorCode, String detail, @Nullable Duration retryAfter,
			Map<String, Object> properties) {
		ProblemDetail problem = problem(errorCode, detail);
		properties.forEach(problem::setProperty);
		ResponseEntity.BodyBuilder builder = ResponseEntity.status(errorCode.status())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (retryAfter != null) {
			builder.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds(retryAfter));
		}
		return builder.body(problem);
	}

	/**
	 * Counts the answers 503 {@code database_unavailable}, whoever gives them (the MVC
	 * advice, the sign-in's entry point): {@code acs_database_unavailable_total}, which
	 * an alert watches.
	 */
	public static Counter databaseUnavailable(MeterRegistry meters) {
		return Counter.builder("acs.database.unavailable")
			.description("Requests answered 503 database_unavailable")
			.register(meters);
	}

	/**
	 * The {@code Retry-After} value for a wait: whole seconds, rounded up, at least 1.
	 */
	public static String retryAfterSeconds(Duration retryAfter) {
		long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
		return Long.toString(seconds);
	}

	/** Writes a problem straight to the servlet response, for filters outside MVC. */
	public void write(HttpServletResponse response, ErrorCode errorCode, String detail) throws IOException {
		response.setStatus(errorCode.status().value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		this.jsonMapper.writeValue(response.getOutputStream(), asMap(problem(errorCode, detail)));
	}

	/**
	 * Writes a problem into the response's buffer without flushing or closing it, so that
	 * it is sent when the request completes (an asynchronous one, later).
	 */
	public void buffer(HttpServletResponse response, ErrorCode errorCode, String detail) throws IOException {
		response.setStatus(errorCode.status().value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getOutputStream().write(toJson(errorCode, detail));
	}

	/** A problem body as JSON bytes, for writers that take bytes. */
	public byte[] toJson(ErrorCode errorCode, String detail) {
		return this.jsonMapper.writeValueAsBytes(asMap(problem(errorCode, detail)));
	}

	/**
	 * The body as a map, so that it serializes the same with any mapper: MVC's converter
	 * knows how to flatten {@link ProblemDetail#getProperties()}, a plain mapper does
	 * not.
	 */
	static Map<String, Object> asMap(ProblemDetail problem) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", Objects.requireNonNull(problem.getType(), "problem() sets the type").toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		if (problem.getDetail() != null) {
			body.put("detail", problem.getDetail());
		}
		if (problem.getInstance() != null) {
			body.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			body.putAll(problem.getProperties());
		}
		return body;
	}

}
