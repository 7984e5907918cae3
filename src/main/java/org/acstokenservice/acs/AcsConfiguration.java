package org.acstokenservice.acs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.CommunicationIdentityClientBuilder;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.tracing.opentelemetry.OpenTelemetryTracingOptions;
import com.azure.core.util.ClientOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.acstokenservice.ratelimit.WindowStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds a {@link CommunicationIdentityClient} for each ACS resource, from its
 * {@link AcsConnectionDetails} (for the default resource, a bean when local mode or a
 * test provides one, else the {@code acs.*} properties; for the others, an
 * {@link AcsResourceConnection} bean, else {@code acs.resources.<name>.*}), and the
 * {@link AcsGateway} with its circuit breaker and budget around each:
 * {@link AcsResources}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AcsProperties.class)
class AcsConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AcsConfiguration.class);

	/**
	 * The threads of the HTTP client under the SDK, shut down with the context, after the
	 * web server has finished its requests (see {@link AcsHttpClient}).
	 */
	@Bean(destroyMethod = "shutdown")
	ExecutorService acsHttpExecutor() {
		AtomicInteger threads = new AtomicInteger();
		return Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "acs-http-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * The connection to each resource, resolved once: the provided details, else those of
	 * the properties (which reads the trusted certificate's file). The default resource
	 * comes first; it may be left out when {@code acs.resources} names others.
	 */
	@Bean
	ResolvedConnections acsConnections(AcsProperties properties, ObjectProvider<AcsConnectionDetails> provided,
			ObjectProvider<AcsResourceConnection> providedByName) {
		Map<String, AcsConnectionDetails> connections = new LinkedHashMap<>();
		AcsConnectionDetails connection = provided.getIfAvailable();
		if (connection != null) {
			connections.put(AcsResources.DEFAULT, connection);
		}
		else if (properties.hasDefaultResource() || properties.resources().isEmpty()) {
			connections.put(AcsResources.DEFAULT, PropertiesAcsConnectionDetails.of(properties));
		}
		for (String name : properties.resources().keySet()) {
			connections.put(name, PropertiesAcsConnectionDetails.of(name, properties.resource(name)));
		}
		providedByName.orderedStream().forEach((named) -> connections.put(named.name(), named.details()));
		return new ResolvedConnections(connections);
	}

	@Bean
	AcsResources acsResources(AcsProperties properties, ResolvedConnections connections,
			ObjectProvider<TokenCredential> credential, ExecutorService acsHttpExecutor, WindowStore windows,
			ObjectProvider<OpenTelemetry> openTelemetry, MeterRegistry meters) {
		Map<String, AcsGateway> gateways = new LinkedHashMap<>();
		CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
		/*
		 * resilience4j_circuitbreaker_state{name="acs"} and friends on
		 * /actuator/prometheus; name="acs-<resource>" for the other resources.
		 */
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
		connections.details().forEach((name, connection) -> {
			AcsProperties.Resource settings = settings(properties, name);
			CommunicationIdentityClient client = client(name, connection, settings, credential, acsHttpExecutor,
					windows, openTelemetry);
			AcsProperties.CircuitBreaker breakerSettings = filledIn(settings.circuitBreaker());
			CircuitBreaker breaker = breakers.circuitBreaker(breakerName(name), circuitBreakerConfig(breakerSettings));
			gateways.put(name, new AcsGateway(name, client, breaker, breakerSettings.waitInOpenState(), meters));
		});
		return AcsResources.of(gateways);
	}

	private static CommunicationIdentityClient client(String name, AcsConnectionDetails connection,
			AcsProperties.Resource settings, ObjectProvider<TokenCredential> credential, ExecutorService executor,
			WindowStore windows, ObjectProvider<OpenTelemetry> openTelemetry) {
		AcsProperties.Client client = filledIn(settings.client());
		CommunicationIdentityClientBuilder builder = new CommunicationIdentityClientBuilder()
			.endpoint(connection.endpoint().toString())
			.httpClient(AcsHttpClient.create(client, connection.trustedCertificate(), executor))
			.retryPolicy(new RetryPolicy(
					new AcsRetryStrategy(client.maxRetries(), client.retryDelay(), client.maxRetryAfter())))
			.addPolicy(new RepeatableCreatePolicy())
			.addPolicy(new ApiVersionPolicy(connection.accessKey()));
		openTelemetry.ifAvailable((tracing) -> builder.clientOptions(tracedBy(tracing)));
		AcsProperties.Budget budget = filledIn(settings.budget());
		if (budget.enabled()) {
			builder.addPolicy(new AcsBudgetPolicy(windows, name, budget));
		}
		if (connection.accessKey() != null) {
			return builder.credential(new AzureKeyCredential(connection.accessKey())).buildClient();
		}
		logger.info("Calling ACS resource {} at {} with a Microsoft Entra ID credential", name, connection.endpoint());
		return builder.credential(credential.getIfAvailable(() -> new DefaultAzureCredentialBuilder().build()))
			.buildClient();
	}

	/**
	 * Each SDK call and each HTTP attempt under it as a span of the current trace. Boot's
	 * {@link OpenTelemetry} must be handed over: left to itself, azure-core's plugin asks
	 * {@code GlobalOpenTelemetry}, which Boot never sets, and records nothing.
	 */
	private static ClientOptions tracedBy(OpenTelemetry openTelemetry) {
		return new ClientOptions().setTracingOptions(new OpenTelemetryTracingOptions().setOpenTelemetry(openTelemetry));
	}

	@Bean
	AcsHealthIndicator acsHealthIndicator(AcsResources resources, ResolvedConnections connections) {
		return new AcsHealthIndicator(resources, connections.details());
	}

	/**
	 * A type of its own, so that it is no second {@link AcsConnectionDetails} bean beside
	 * the one local mode or a test provides.
	 */
	record ResolvedConnections(Map<String, AcsConnectionDetails> details) {
	}

	/** A resource's settings; those of {@code acs.*} for one that local mode provides. */
	private static AcsProperties.Resource settings(AcsProperties properties, String name) {
		return properties.resources().containsKey(name) ? properties.resource(name) : new AcsProperties.Resource(null,
				null, null, properties.client(), properties.circuitBreaker(), properties.budget());
	}

	/**
	 * A setting of {@link #settings}, which {@link AcsProperties#resource} fills in from
	 * {@code acs.*} where the resource leaves it out.
	 */
	private static <T> T filledIn(@Nullable T setting) {
		return Objects.requireNonNull(setting, "filled in by AcsProperties.resource");
	}

	/** {@code acs} for the default resource, as before there were several. */
	static String breakerName(String resource) {
		return AcsResources.DEFAULT.equals(resource) ? "acs" : "acs-" + resource;
	}

	private static CircuitBreakerConfig circuitBreakerConfig(AcsProperties.CircuitBreaker settings) {
		/*
		 * With the automatic transition, health shows HALF_OPEN as soon as a probe is
		 * allowed, not only after the next call once the wait is over.
		 */
		return CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumNumberOfCalls())
			.waitDurationInOpenState(settings.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.build();
	}

}
