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
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import reactor.core.publisher.Mono;

/**
 * Makes identity creation safe to retry: the SDK retries a POST whose answer was lost,
 * and without these headers ACS would create a second identity. Runs once per call,
 * before the retry policy, so that every attempt carries the same request id.
 */
class RepeatableCreatePolicy implements HttpPipelinePolicy {

	static final HttpHeaderName REQUEST_ID = HttpHeaderName.fromString("Repeatability-Request-ID");

	static final HttpHeaderName FIRST_SENT = HttpHeaderName.fromString("Repeatability-First-Sent");

	@Override
	public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
		mark(context.getHttpRequest());
		return next.process();
	}

	@Override
	public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
		mark(context.getHttpRequest());
		return next.processSync();
	}

	@Override
	public HttpPipelinePosition getPipelinePosition() {
		return HttpPipelinePosition.PER_CALL;
	}

	private static void mark(HttpRequest request) {
		if (request.getHttpMethod() == HttpMethod.POST && request.getUrl().getPath().endsWith("/identities")) {
			request.setHeader(REQUEST_ID, UUID.randomUUID().toString());
			request.setHeader(FIRST_SENT,
					DateTimeFormatter.RFC_1123_DATE_TIME.format(OffsetDateTime.now(ZoneOffset.UTC)));
		}
	}

}
