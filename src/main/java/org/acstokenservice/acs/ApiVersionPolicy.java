package org.acstokenservice.acs;

import com.azure.communication.common.implementation.HmacAuthenticationPolicy;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.UrlBuilder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Sends the Identity API's version 2023-10-01, which documents every scope the service
 * sends. The identity SDK served here (1.4.10) sends 2022-10-01, whose specification
 * lists only {@code chat} and {@code voip}: the join scopes ({@code chat.join},
 * {@code chat.join.limited}, {@code voip.join}) first appear in 2023-10-01, which keeps
 * the shapes of the operations the service calls. Runs before the request is signed,
 * since the signature covers the query.
 */
class ApiVersionPolicy implements HttpPipelinePolicy {

	static final String API_VERSION = "2023-10-01";

	private static final String PARAMETER = "api-version";

	private final @Nullable HttpPipelinePolicy signer;

	/**
	 * @param accessKey the resource's access key, when calls are signed with one
	 */
	ApiVersionPolicy(@Nullable String accessKey) {
		this.signer = (accessKey != null) ? new HmacAuthenticationPolicy(new AzureKeyCredential(accessKey)) : null;
	}

	@Override
	public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
		rewrite(context.getHttpRequest());
		return (this.signer != null) ? this.signer.process(context, next) : next.process();
	}

	@Override
	public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
		rewrite(context.getHttpRequest());
		return (this.signer != null) ? this.signer.processSync(context, next) : next.processSync();
	}

	/** On every try, as the builder places it anyway: each try is signed anew. */
	@Override
	public HttpPipelinePosition getPipelinePosition() {
		return HttpPipelinePosition.PER_RETRY;
	}

	private static void rewrite(HttpRequest request) {
		UrlBuilder url = UrlBuilder.parse(request.getUrl());
		if (url.getQuery().containsKey(PARAMETER)) {
			url.setQueryParameter(PARAMETER, API_VERSION);
			request.setUrl(url.toString());
		}
	}

}
