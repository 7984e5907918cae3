package org.acstokenservice.tracing;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Globals;
import org.jspecify.annotations.Nullable;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a caller continue its trace ({@code traceparent}) only when a trusted proxy
 * forwarded the request: one named in {@code server.tomcat.remoteip.internal-proxies},
 * with {@code server.forward-headers-strategy=native}, the same hops whose
 * {@code X-Forwarded-For} the service believes. From anyone else the trace headers are
 * hidden and the trace starts here, so that a client can neither choose its trace id (and
 * mix its requests into someone else's trace) nor have every request of its own sampled.
 * Runs before the filter that starts the request's span.
 */
class TrustedTraceContextFilter extends OncePerRequestFilter {

	/**
	 * W3C trace context and baggage, and B3 for an operator who consumes it as well:
	 * lower case, as {@link #hidden} compares.
	 */
	static final Set<String> TRACE_HEADERS = Set.of("traceparent", "tracestate", "baggage", "b3", "x-b3-traceid",
			"x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags");

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (forwardedByTrustedProxy(request) || !carriesTraceContext(request)) {
			chain.doFilter(request, response);
			return;
		}
		chain.doFilter(new WithoutTraceContext(request), response);
	}

	/**
	 * Tomcat's {@code RemoteIpValve} marks a request whose peer is one of the trusted
	 * proxies; without the valve (no forward-headers strategy) nothing is marked.
	 */
	private static boolean forwardedByTrustedProxy(HttpServletRequest request) {
		return Boolean.TRUE.equals(request.getAttribute(Globals.REQUEST_FORWARDED_ATTRIBUTE));
	}

	private static boolean carriesTraceContext(HttpServletRequest request) {
		for (String name : TRACE_HEADERS) {
			if (request.getHeader(name) != null) {
				return true;
			}
		}
		return false;
	}

	private static boolean hidden(String name) {
		return TRACE_HEADERS.contains(name.toLowerCase(Locale.ROOT));
	}

	/** The request as the application sees it, without the caller's trace context. */
	private static final class WithoutTraceContext extends HttpServletRequestWrapper {

		WithoutTraceContext(HttpServletRequest request) {
			super(request);
		}

		@Override
		public @Nullable String getHeader(String name) {
			return hidden(name) ? null : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			List<String> names = Collections.list(super.getHeaderNames());
			names.removeIf(TrustedTraceContextFilter::hidden);
			return Collections.enumeration(names);
		}

	}

}
