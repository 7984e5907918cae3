package org.acstokenservice.tracing;

import java.util.Collections;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.Globals;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class TrustedTraceContextFilterTests {

	private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	private final TrustedTraceContextFilter filter = new TrustedTraceContextFilter();

	@Test
	void filterWhenForwardedByTrustedProxyThenTraceContextKept() throws Exception {
		MockHttpServletRequest request = request();
		request.setAttribute(Globals.REQUEST_FORWARDED_ATTRIBUTE, Boolean.TRUE);

		HttpServletRequest seen = filter(request);

		assertThat(seen.getHeader("traceparent")).isEqualTo(TRACEPARENT);
		assertThat(seen.getHeader("tracestate")).isEqualTo("vendor=1");
	}

	@Test
	void filterWhenCallerIsNoTrustedProxyThenTraceContextHiddenAndOtherHeadersKept() throws Exception {
		HttpServletRequest seen = filter(request());

		assertThat(seen.getHeader("traceparent")).isNull();
		assertThat(seen.getHeader("TraceParent")).isNull();
		assertThat(seen.getHeader("tracestate")).isNull();
		assertThat(seen.getHeader("baggage")).isNull();
		assertThat(seen.getHeader("X-B3-TraceId")).isNull();
		assertThat(seen.getHeaders("traceparent").hasMoreElements()).isFalse();
		assertThat(Collections.list(seen.getHeaderNames())).containsExactlyInAnyOrder("Authorization", "Accept");
		assertThat(seen.getHeader("Authorization")).isEqualTo("Bearer x");
	}

	@Test
	void filterWhenNoTraceContextThenRequestPassedAsItIs() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/token");
		request.addHeader("Authorization", "Bearer x");

		assertThat(filter(request)).isSameAs(request);
	}

	private HttpServletRequest filter(MockHttpServletRequest request) throws Exception {
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(request, new MockHttpServletResponse(), chain);
		return (HttpServletRequest) chain.getRequest();
	}

	private static MockHttpServletRequest request() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/token");
		request.addHeader("Authorization", "Bearer x");
		request.addHeader("Accept", "application/json");
		request.addHeader("traceparent", TRACEPARENT);
		request.addHeader("tracestate", "vendor=1");
		request.addHeader("baggage", "user=alice");
		request.addHeader("X-B3-TraceId", "4bf92f3577b34da6a3ce929d0e0e4736");
		return request;
	}

}
