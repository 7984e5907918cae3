package org.acstokenservice.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.Problems;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/** Answers a signed-in user who lacks the role for an endpoint with a 403 problem. */
class ProblemAccessDeniedHandler implements AccessDeniedHandler {

	private final Problems problems;

	ProblemAccessDeniedHandler(Problems problems) {
		this.problems = problems;
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException {
		this.problems.write(response, ErrorCode.FORBIDDEN, "This endpoint is not open to the signed-in user.");
	}

}
