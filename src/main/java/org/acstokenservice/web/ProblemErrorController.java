package org.acstokenservice.web;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's {@code /error} page, which errors outside MVC (raised by filters or the
 * container) reach, so that they too are problem+json and never carry a stack trace.
 */
@RestController
class ProblemErrorController implements ErrorController {

	@RequestMapping("${server.error.path:/error}")
	ResponseEntity<Object> error(HttpServletRequest request) {
		Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		// Asked for directly, /error is just a path that has nothing to show.
		int code = (status instanceof Integer value) ? value : 404;
		ErrorCode errorCode = ErrorCode.forStatus(code);
		return Problems.response(errorCode, errorCode.title() + ".", null, Map.of());
	}

}
