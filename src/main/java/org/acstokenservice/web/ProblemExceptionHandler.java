package org.acstokenservice.web;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place that turns exceptions into problem+json. An exception that answers for
 * itself ({@link org.springframework.web.ErrorResponseException}: a
 * {@link ProblemException}, or a failure of a feature such as ACS) is rendered as it
 * says; framework errors (bad JSON, wrong method, wrong content type) keep Spring's
 * status and get this service's {@code code}.
 */
@RestControllerAdvice
class ProblemExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	/**
	 * When a client may try again after the database failed: the pool reconnects as soon
	 * as it answers, and readiness takes the instance out of the load balancer meanwhile.
	 */
	private static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

	private final Counter databaseUnavailable;

	ProblemExceptionHandler(MeterRegistry meters) {
		this.databaseUnavailable = Problems.databaseUnavailable(meters);
	}

	/**
	 * The database is out of reach, refused the connection, dropped it or timed out: the
	 * pool gives up after {@code spring.datasource.hikari.connection-timeout} (1.5 s), so
	 * the client hears of it within about 2 s and may try again.
	 */
	@ExceptionHandler({ DataAccessResourceFailureException.class, TransientDataAccessException.class,
			RecoverableDataAccessException.class, CannotCreateTransactionException.class })
	ResponseEntity<Object> handleDatabaseUnavailable(Exception ex) {
		/*
		 * One line, no stack: an outage fails every request alike. Only the types and the
		 * driver's message of the root cause, never the SQL or the connection settings.
		 */
		Throwable root = rootCause(ex);
		logger.warn("Database unavailable while handling a request: {} ({}: {})", ex.getClass().getSimpleName(),
				root.getClass().getName(), root.getMessage());
		this.databaseUnavailable.increment();
		return Problems.response(ErrorCode.DATABASE_UNAVAILABLE, "The database is unavailable; try again later.",
				DATABASE_RETRY_AFTER, Map.of());
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> handleUnexpected(Exception ex) {
		if (causedByDatabaseUnavailable(ex)) {
			return handleDatabaseUnavailable(ex);
		}
		/*
		 * The client learns nothing of the cause; the log keeps the type and stack for
		 * ops.
		 */
		logger.error("Unexpected error while handling a request", ex);
		return Problems.response(ErrorCode.INTERNAL_ERROR, "The request could not be completed.", null, Map.of());
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (causedByTooLargeBody(ex)) {
			return handleExceptionInternal(ex,
					Problems.problem(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large."), headers,
					ErrorCode.PAYLOAD_TOO_LARGE.status(), request);
		}
		/*
		 * Jackson's message may quote the request body back; say only what is wrong with
		 * it.
		 */
		ProblemDetail body = Problems.problem(ErrorCode.INVALID_REQUEST,
				"The request body is not valid JSON of the expected shape.");
		return handleExceptionInternal(ex, body, headers, status, request);
	}

	/**
	 * Whether a database failure hides behind another exception, Spring's or the
	 * driver's.
	 */
	private static boolean causedByDatabaseUnavailable(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataAccessResourceFailureException || cause instanceof TransientDataAccessException
					|| cause instanceof RecoverableDataAccessException
					|| cause instanceof CannotCreateTransactionException
					|| cause instanceof SQLTransientConnectionException
					|| cause instanceof SQLNonTransientConnectionException || cause instanceof SQLRecoverableException
					|| cause instanceof SQLTimeoutException) {
				return true;
			}
		}
		return false;
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	private static boolean causedByTooLargeBody(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RequestBodyLimitFilter.BodyTooLargeException) {
				return true;
			}
		}
		return false;
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
			HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
		Object given = (body == null && ex instanceof ErrorResponseException answered) ? answered.getBody() : body;
		ProblemDetail problem = (given instanceof ProblemDetail detail) ? detail : ProblemDetail.forStatus(statusCode);
		if (problem.getProperties() == null || !problem.getProperties().containsKey("code")) {
			ErrorCode errorCode = ErrorCode.forStatus(statusCode.value());
			problem.setType(errorCode.type());
			problem.setTitle(errorCode.title());
			problem.setProperty("code", errorCode.code());
		}
		HttpHeaders problemHeaders = new HttpHeaders();
		problemHeaders.addAll(headers);
		problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return super.handleExceptionInternal(ex, problem, problemHeaders, statusCode, request);
	}

}
