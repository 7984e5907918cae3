package org.acstokenservice.acs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.CommunicationIdentityClientBuilder;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.identity.DefaultAzureCredentialBuilder;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Builds the one {@link CommunicationIdentityClient}: against the configured resource, or
 * in local mode against the embedded emulator, reached over HTTPS exactly like ACS.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AcsProperties.class)
class AcsConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AcsConfiguration.class);

	private static final String LOOPBACK = "127.0.0.1";

	private static final Pattern CONNECTION_STRING = Pattern
		.compile("(?i)^\\s*endpoint=https://[^;\\s]+;\\s*accesskey=[A-Za-z0-9+/]+={0,2}\\s*;?\\s*$");

	/**
	 * Started only in local mode; the service reaches it through the SDK alone. A test
	 * may register its own, to share one emulator between several instances.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnEmulatedAcs
	@ConditionalOnMissingBean
	AcsEmulator acsEmulator(AcsProperties properties) {
		AcsEmulator emulator = AcsEmulator.start(new AcsEmulatorSettings(LOOPBACK, properties.emulator().port(), null,
				properties.emulator().dataDir(), Clock.systemUTC()));
		logger.warn("LOCAL MODE: tokens come from the embedded ACS emulator at {} and are worthless against real ACS. "
				+ "Configure ACS_CONNECTION_STRING or ACS_ENDPOINT for a real resource.", emulator.endpoint());
		return emulator;
	}

	@Bean
	CommunicationIdentityClient communicationIdentityClient(AcsProperties properties,
			ObjectProvider<AcsEmulator> emulator, ObjectProvider<TokenCredential> credential) {
		AcsProperties.Client settings = properties.client();
		CommunicationIdentityClientBuilder builder = new CommunicationIdentityClientBuilder()
			.retryPolicy(new RetryPolicy(
					new AcsRetryStrategy(settings.maxRetries(), settings.retryDelay(), settings.maxRetryAfter())))
			.addPolicy(new RepeatableCreatePolicy());
		if (properties.budget().enabled()) {
			builder.addPolicy(new AcsBudgetPolicy(properties.budget().calls(), properties.budget().period()));
		}
		if (properties.emulated()) {
			AcsEmulator local = emulator.getObject();
			return builder.connectionString(local.connectionString())
				.httpClient(httpClient(settings, trustOnly(local.certificate())))
				.buildClient();
		}
		SSLContext trust = (properties.trustedCertificate() != null)
				? trustOnly(readCertificate(properties.trustedCertificate())) : null;
		HttpClient httpClient = httpClient(settings, trust);
		if (StringUtils.hasText(properties.connectionString())) {
			checkConnectionString(properties.connectionString());
			return builder.connectionString(properties.connectionString().trim()).httpClient(httpClient).buildClient();
		}
		URI endpoint = properties.endpoint();
		logger.info("Calling ACS at {} with a Microsoft Entra ID credential", endpoint);
		return builder.endpoint(endpoint.toString())
			.credential(credential.getIfAvailable(() -> new DefaultAzureCredentialBuilder().build()))
			.httpClient(httpClient)
			.buildClient();
	}

	private static X509Certificate readCertificate(Path pem) {
		try (InputStream in = Files.newInputStream(pem)) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("acs.trusted-certificate: cannot read a PEM certificate from " + pem, ex);
		}
	}

	@Bean
	AcsGateway acsGateway(CommunicationIdentityClient client, AcsProperties properties, MeterRegistry meters) {
		AcsProperties.CircuitBreaker settings = properties.circuitBreaker();
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumNumberOfCalls())
			.waitDurationInOpenState(settings.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
			// Without this the breaker stays open until the next call after the wait;
			// with it,
			// health shows HALF_OPEN as soon as a probe is allowed.
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.build();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
		CircuitBreaker circuitBreaker = registry.circuitBreaker("acs");
		// resilience4j_circuitbreaker_state{name="acs"} and friends on
		// /actuator/prometheus.
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
		return new AcsGateway(client, circuitBreaker, settings.waitInOpenState(), meters);
	}

	/** Checks the shape without ever echoing the value: it holds the access key. */
	static void checkConnectionString(String connectionString) {
		if (!CONNECTION_STRING.matcher(connectionString).matches()) {
			throw new IllegalStateException("acs.connection-string (ACS_CONNECTION_STRING) is malformed: expected "
					+ "'endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>'");
		}
	}

	private static HttpClient httpClient(AcsProperties.Client settings, SSLContext sslContext) {
		java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
		if (sslContext != null) {
			jdk.sslContext(sslContext);
		}
		return new JdkHttpClientBuilder(jdk).connectionTimeout(settings.connectTimeout())
			.responseTimeout(settings.responseTimeout())
			.build();
	}

	/** An SSL context that trusts the emulator's certificate and nothing else. */
	private static SSLContext trustOnly(X509Certificate certificate) {
		try {
			KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
			trustStore.load(null, null);
			trustStore.setCertificateEntry("acs-emulator", certificate);
			TrustManagerFactory trustManagers = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trustStore);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Could not trust the emulator's certificate", ex);
		}
	}

}
