package org.acstokenservice.acs;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import reactor.core.publisher.Mono;

/**
 * Makes identity creation safe to retry: the SDK retries a POST whose answer was lost,
 * and without these headers ACS would create a second identity. The identity client's
 * builder puts added policies after its retry policy, so this runs on every attempt: it
 * keeps the request id in the call's context, which all attempts of one call share.
 */
class RepeatableCreatePolicy implements HttpPipelinePolicy {

	static final HttpHeaderName REQUEST_ID = HttpHeaderName.fromString("Repeatability-Request-ID");

	static final HttpHeaderName FIRST_SENT = HttpHeaderName.fromString("Repeatability-First-Sent");

	private static final String CONTEXT_KEY = RepeatableCreatePolicy.class.getName();

	@Override
	public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
		mark(context);
		return next.process();
	}

	@Override
	public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
		mark(context);
		return next.processSync();
	}

	private static void mark(HttpPipelineCallContext context) {
		HttpRequest request = context.getHttpRequest();
		if (request.getHttpMethod() != HttpMethod.POST || !request.getUrl().getPath().endsWith("/identities")) {
			return;
		}
		Repeatability first = (Repeatability) context.getData(CONTEXT_KEY).orElse(null);
		if (first == null) {
			first = new Repeatability(UUID.randomUUID().toString(),
					DateTimeFormatter.RFC_1123_DATE_TIME.format(OffsetDateTime.now(ZoneOffset.UTC)));
			context.setData(CONTEXT_KEY, first);
		}
		request.setHeader(REQUEST_ID, first.requestId());
		request.setHeader(FIRST_SENT, first.firstSent());
	}

	private record Repeatability(String requestId, String firstSent) {
	}

}
