package org.acstokenservice.security;

import java.io.IOException;

import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.Problems;

import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.DefaultCorsProcessor;

/** Refuses a cross-origin request from an origin not on the list with a 403 problem. */
class ProblemCorsProcessor extends DefaultCorsProcessor {

	private final byte[] body;

	ProblemCorsProcessor(byte[] body) {
		this.body = body;
	}

	@Override
	protected void rejectRequest(ServerHttpResponse response) throws IOException {
		response.setStatusCode(ErrorCode.FORBIDDEN.status());
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		response.getBody().write(this.body);
		response.flush();
	}

	static ProblemCorsProcessor create(Problems problems) {
		return new ProblemCorsProcessor(problems.toJson(ErrorCode.FORBIDDEN, "This origin may not call the service."));
	}

}
