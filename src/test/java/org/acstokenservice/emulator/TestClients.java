package org.acstokenservice.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.CommunicationIdentityClientBuilder;
import com.azure.communication.common.implementation.HmacAuthenticationPolicy;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.UrlBuilder;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;

/**
 * Clients for the emulator that trust only its certificate: the real SDK, and a raw HTTP
 * client whose requests the tests sign themselves.
 */
final class TestClients {

	private TestClients() {
	}

	static SSLContext trustingOnly(X509Certificate certificate) {
		try {
			KeyStore trustStore = KeyStore.getInstance("PKCS12");
			trustStore.load(null, null);
			trustStore.setCertificateEntry("acs-emulator", certificate);
			TrustManagerFactory trustManagers = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trustStore);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers.getTrustManagers(), null);
			return context;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The SDK without retries, so that a failure expected by a test is not slow. */
	static CommunicationIdentityClient sdk(AcsEmulator emulator) {
		return sdk(emulator, emulator.connectionString());
	}

	static CommunicationIdentityClient sdk(AcsEmulator emulator, String connectionString) {
		return new CommunicationIdentityClientBuilder().connectionString(connectionString)
			.httpClient(
					new JdkHttpClientBuilder(HttpClient.newBuilder().sslContext(trustingOnly(emulator.certificate())))
						.build())
			.retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ZERO)))
			.buildClient();
	}

	/**
	 * The SDK with its retry policy: {@code retries} retries after a short fixed delay
	 * (the SDK waits longer when an answer has {@code Retry-After}).
	 */
	static CommunicationIdentityClient retryingSdk(AcsEmulator emulator, int retries, HttpPipelinePolicy... policies) {
		CommunicationIdentityClientBuilder builder = new CommunicationIdentityClientBuilder()
			.connectionString(emulator.connectionString())
			.httpClient(
					new JdkHttpClientBuilder(HttpClient.newBuilder().sslContext(trustingOnly(emulator.certificate())))
						.build())
			.retryOptions(new RetryOptions(new FixedDelayOptions(retries, Duration.ofMillis(10))));
		for (HttpPipelinePolicy policy : policies) {
			builder.addPolicy(policy);
		}
		return builder.buildClient();
	}

	/**
	 * Adds ACS's repeatability headers, the same on every retry of a call (as the service
	 * must). The builder puts added policies after its retry policy, whatever their
	 * declared position, and each retry sends a fresh copy of the request: so the id is
	 * kept in the call's context, which all tries share.
	 */
	static HttpPipelinePolicy repeatableRequests() {
		return new HttpPipelineSyncPolicy() {

			@Override
			protected void beforeSendingRequest(HttpPipelineCallContext context) {
				String[] first = (String[]) context.getData("repeatability").orElse(null);
				if (first == null) {
					first = new String[] { UUID.randomUUID().toString(),
							DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) };
					context.setData("repeatability", first);
				}
				context.getHttpRequest().setHeader(HttpHeaderName.fromString("Repeatability-Request-ID"), first[0]);
				context.getHttpRequest().setHeader(HttpHeaderName.fromString("Repeatability-First-Sent"), first[1]);
			}

		};
	}

	/**
	 * Sends another api-version than the SDK's and signs the request again: the builder
	 * puts added policies after its signing policy, and the signature covers the query
	 * (as the service's {@code acs.ApiVersionPolicy} does).
	 */
	static HttpPipelinePolicy apiVersion(AcsEmulator emulator, String version) {
		HttpPipelinePolicy signer = new HmacAuthenticationPolicy(new AzureKeyCredential(accessKey(emulator)));
		return (context, next) -> {
			UrlBuilder url = UrlBuilder.parse(context.getHttpRequest().getUrl());
			url.setQueryParameter("api-version", version);
			context.getHttpRequest().setUrl(url.toString());
			return signer.process(context, next);
		};
	}

	static HttpClient raw(AcsEmulator emulator) {
		return HttpClient.newBuilder()
			.sslContext(trustingOnly(emulator.certificate()))
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	/** A request signed as the SDK signs it, but with the key and date given. */
	static HttpRequest.Builder signed(AcsEmulator emulator, String method, String pathAndQuery, String body,
			String accessKey, Instant date) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		String contentHash = HmacSignature.contentHash(bytes);
		String formattedDate = HmacSignature.formatDate(date);
		String signature = new HmacSignature(accessKey).sign(HmacSignature.stringToSign(method, pathAndQuery,
				formattedDate, emulator.endpoint().getHost(), contentHash));
		return HttpRequest.newBuilder(emulator.endpoint().resolve(URI.create(pathAndQuery)))
			.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
			.header("Content-Type", "application/json")
			.header("x-ms-date", formattedDate)
			.header("x-ms-content-sha256", contentHash)
			.header("Authorization", HmacSignature.authorization(signature));
	}

	static HttpResponse<String> send(HttpClient client, HttpRequest request) {
		try {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends a request as written, over TLS, for the headers that the JDK HTTP client will
	 * not let a test choose ({@code Host}); answers the status line and body.
	 */
	static String[] rawExchange(AcsEmulator emulator, String request) {
		try (SSLSocket socket = (SSLSocket) trustingOnly(emulator.certificate()).getSocketFactory()
			.createSocket(emulator.endpoint().getHost(), emulator.endpoint().getPort())) {
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
			socket.getOutputStream().flush();
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return new String[] { response.substring(0, response.indexOf("\r\n")),
					response.substring(response.indexOf("\r\n\r\n") + 4) };
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String accessKey(AcsEmulator emulator) {
		String connectionString = emulator.connectionString();
		return connectionString.substring(connectionString.indexOf("accesskey=") + "accesskey=".length());
	}

}
