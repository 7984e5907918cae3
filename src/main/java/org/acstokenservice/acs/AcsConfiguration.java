package org.acstokenservice.acs;

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
import org.acstokenservice.fleet.BucketStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the one {@link CommunicationIdentityClient} from the
 * {@link AcsConnectionDetails} (a bean when local mode or a test provides one, else the
 * {@code acs.*} properties), and the {@link AcsGateway} with its circuit breaker around
 * it.
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
	 * The connection the client uses, resolved once: the provided details, else those of
	 * the properties (which reads the trusted certificate's file).
	 */
	@Bean
	ResolvedConnection acsConnection(AcsProperties properties, ObjectProvider<AcsConnectionDetails> provided) {
		AcsConnectionDetails connection = provided.getIfAvailable();
		return new ResolvedConnection(
				(connection != null) ? connection : PropertiesAcsConnectionDetails.of(properties));
	}

	@Bean
	CommunicationIdentityClient communicationIdentityClient(AcsProperties properties, ResolvedConnection resolved,
			ObjectProvider<TokenCredential> credential, ExecutorService acsHttpExecutor, BucketStore buckets,
			ObjectProvider<OpenTelemetry> openTelemetry) {
		AcsConnectionDetails connection = resolved.details();
		AcsProperties.Client settings = properties.client();
		CommunicationIdentityClientBuilder builder = new CommunicationIdentityClientBuilder()
			.endpoint(connection.endpoint().toString())
			.httpClient(AcsHttpClient.create(settings, connection.trustedCertificate(), acsHttpExecutor))
			.retryPolicy(new RetryPolicy(
					new AcsRetryStrategy(settings.maxRetries(), settings.retryDelay(), settings.maxRetryAfter())))
			.addPolicy(new RepeatableCreatePolicy());
		openTelemetry.ifAvailable((tracing) -> builder.clientOptions(tracedBy(tracing)));
		if (properties.budget().enabled()) {
			builder.addPolicy(new AcsBudgetPolicy(buckets, properties.budget().calls(), properties.budget().period()));
		}
		if (connection.accessKey() != null) {
			return builder.credential(new AzureKeyCredential(connection.accessKey())).buildClient();
		}
		logger.info("Calling ACS at {} with a Microsoft Entra ID credential", connection.endpoint());
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
	AcsGateway acsGateway(CommunicationIdentityClient client, AcsProperties properties, MeterRegistry meters) {
		AcsProperties.CircuitBreaker settings = properties.circuitBreaker();
		return new AcsGateway(client, circuitBreaker(settings, meters), settings.waitInOpenState(), meters);
	}

	@Bean
	AcsHealthIndicator acsHealthIndicator(AcsGateway gateway, ResolvedConnection resolved) {
		return new AcsHealthIndicator(gateway, resolved.details());
	}

	/**
	 * A type of its own, so that it is no second {@link AcsConnectionDetails} bean beside
	 * the one local mode or a test provides.
	 */
	record ResolvedConnection(AcsConnectionDetails details) {
	}

	private static CircuitBreaker circuitBreaker(AcsProperties.CircuitBreaker settings, MeterRegistry meters) {
		/*
		 * With the automatic transition, health shows HALF_OPEN as soon as a probe is
		 * allowed, not only after the next call once the wait is over.
		 */
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumNumberOfCalls())
			.waitDurationInOpenState(settings.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.build();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
		/*
		 * resilience4j_circuitbreaker_state{name="acs"} and friends on
		 * /actuator/prometheus.
		 */
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
		return registry.circuitBreaker("acs");
	}

}
