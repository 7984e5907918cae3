package org.acstokenservice.tracing;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;

/**
 * What a trace holds and who may continue one. Boot makes the spans and exports them (the
 * {@code management.opentelemetry.*} and {@code management.tracing.*} properties: nothing
 * leaves the process without an endpoint); the features add spans of their own (the ACS
 * SDK's, the shared buckets', the issuer's key set). Here: callers' trace context is
 * believed from trusted proxies only, two kinds of observation are left out because they
 * would flood a trace store with traces of their own, and a request's span names its
 * path's template, never the path itself.
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

	/** Before Boot's observation filter, which starts the request's span. */
	@Bean
	FilterRegistrationBean<TrustedTraceContextFilter> trustedTraceContextFilter() {
		FilterRegistrationBean<TrustedTraceContextFilter> registration = new FilterRegistrationBean<>(
				new TrustedTraceContextFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	/**
	 * Probes and scrapes ({@code /actuator/**}) are neither traced nor timed: every few
	 * seconds per instance, they would outnumber the requests that matter.
	 */
	@Bean
	ObservationPredicate noActuatorObservations() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext request
				&& request.getCarrier() != null && request.getCarrier().getRequestURI().startsWith("/actuator/"));
	}

	/**
	 * Database work is observed inside something else (a request, a job), never on its
	 * own: the audit writer's batches and the readiness probe's query would otherwise
	 * each be a trace.
	 */
	@Bean
	ObservationPredicate databaseWorkOnlyWithinAnother() {
		return (name, context) -> !name.startsWith("jdbc.") || context.getParentObservation() != null;
	}

	/**
	 * A request's {@code http.url} is its path's template
	 * ({@code /users/{appUserId}/identity}), never the path, which names an app user on
	 * the look-up and admin paths: no span holds an app user id. Requests that match no
	 * handler keep the convention's unknown value rather than whatever path a client
	 * sent.
	 */
	@Bean
	ServerRequestObservationConvention templatedUrls() {
		return new DefaultServerRequestObservationConvention() {

			@Override
			protected KeyValue httpUrl(ServerRequestObservationContext context) {
				String template = context.getPathPattern();
				return (template != null) ? KeyValue.of("http.url", template) : KeyValue.of("http.url", "UNKNOWN");
			}

		};
	}

}
