package org.acstokenservice.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.res.StringManager;

import org.springframework.http.MediaType;

/**
 * Writes the problem body for errors that Tomcat answers before any of the service runs:
 * a malformed request line or path ({@code %00}), a header section over
 * {@code server.max-http-request-header-size}. Tomcat's own valve would write an HTML
 * page. An oversized header section is answered 431 {@code request_header_too_large}
 * rather than Tomcat's bare 400, so that a front end can tell that its token is too
 * large.
 */
class ProblemErrorReportValve extends ErrorReportValve {

	/**
	 * What Tomcat's HTTP/1.1 reader says when the header section is too large, in the
	 * JVM's locale, as its own string manager renders it.
	 */
	private static final String HEADER_TOO_LARGE = StringManager.getManager("org.apache.coyote.http11")
		.getString("iib.requestheadertoolarge.error");

	private final Problems problems;

	ProblemErrorReportValve(Problems problems) {
		this.problems = problems;
	}

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(true);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		ErrorCode errorCode = headerTooLarge(throwable) ? ErrorCode.REQUEST_HEADER_TOO_LARGE
				: ErrorCode.forStatus(status);
		String detail = (errorCode == ErrorCode.REQUEST_HEADER_TOO_LARGE)
				? "The request's header section is larger than this service accepts." : errorCode.title() + ".";
		try {
			byte[] body = this.problems.toJson(errorCode, detail);
			response.setStatus(errorCode.status().value());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding(StandardCharsets.UTF_8.name());
			response.setContentLength(body.length);
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(new String(body, StandardCharsets.UTF_8));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The client went away or the response was committed: nothing more to say.
		}
	}

	private static boolean headerTooLarge(Throwable throwable) {
		for (Throwable cause = throwable; cause != null; cause = cause.getCause()) {
			if (cause instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(cause.getMessage())) {
				return true;
			}
		}
		return false;
	}

}
