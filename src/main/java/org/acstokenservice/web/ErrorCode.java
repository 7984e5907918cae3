package org.acstokenservice.web;

import java.net.URI;

import org.springframework.http.HttpStatus;

/**
 * The stable error codes of the HTTP contract. Front ends switch on {@link #code()}, so a
 * value never changes meaning once released.
 */
public enum ErrorCode {

	INVALID_REQUEST("invalid_request", HttpStatus.BAD_REQUEST, "Invalid request"),

	INVALID_SCOPE("invalid_scope", HttpStatus.BAD_REQUEST, "Invalid scope"),

	INVALID_EXPIRY("invalid_expiry", HttpStatus.BAD_REQUEST, "Invalid token lifetime"),

	UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Authentication required"),

	FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Forbidden"),

	SCOPE_NOT_ALLOWED("scope_not_allowed", HttpStatus.FORBIDDEN, "Scope not allowed"),

	NOT_ELIGIBLE("not_eligible", HttpStatus.FORBIDDEN, "Not eligible"),

	RESOURCE_NOT_ASSIGNED("resource_not_assigned", HttpStatus.FORBIDDEN, "No ACS resource assigned"),

	NOT_FOUND("not_found", HttpStatus.NOT_FOUND, "Not found"),

	METHOD_NOT_ALLOWED("method_not_allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),

	PAYLOAD_TOO_LARGE("payload_too_large", HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),

	UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),

	NOT_ACCEPTABLE("not_acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),

	REQUEST_HEADER_TOO_LARGE("request_header_too_large", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
			"Request header too large"),

	RATE_LIMITED("rate_limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),

	SERVICE_CLOSED("service_closed", HttpStatus.SERVICE_UNAVAILABLE, "Service closed"),

	ACS_UNAVAILABLE("acs_unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Azure Communication Services unavailable"),

	IDENTITY_PROVIDER_UNAVAILABLE("identity_provider_unavailable", HttpStatus.SERVICE_UNAVAILABLE,
			"Identity provider unavailable"),

	DATABASE_UNAVAILABLE("database_unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable"),

	ACS_REJECTED("acs_rejected", HttpStatus.BAD_GATEWAY, "Azure Communication Services rejected the request"),

	INTERNAL_ERROR("internal_error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

	private static final String TYPE_PREFIX = "urn:acs-token-service:problem:";

	private final String code;

	private final HttpStatus status;

	private final String title;

	ErrorCode(String code, HttpStatus status, String title) {
		this.code = code;
		this.status = status;
		this.title = title;
	}

	public String code() {
		return this.code;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

	/** The problem {@code type} URI: stable, one per code. */
	public URI type() {
		return URI.create(TYPE_PREFIX + this.code);
	}

	/**
	 * The code that stands for a bare HTTP status, for errors raised by the framework.
	 */
	static ErrorCode forStatus(int status) {
		return switch (status) {
			case 400 -> INVALID_REQUEST;
			case 401 -> UNAUTHORIZED;
			case 403 -> FORBIDDEN;
			case 404 -> NOT_FOUND;
			case 405 -> METHOD_NOT_ALLOWED;
			case 406 -> NOT_ACCEPTABLE;
			case 413 -> PAYLOAD_TOO_LARGE;
			case 415 -> UNSUPPORTED_MEDIA_TYPE;
			case 429 -> RATE_LIMITED;
			case 431 -> REQUEST_HEADER_TOO_LARGE;
			case 503 -> ACS_UNAVAILABLE;
			default -> (status >= 400 && status < 500) ? INVALID_REQUEST : INTERNAL_ERROR;
		};
	}

}
