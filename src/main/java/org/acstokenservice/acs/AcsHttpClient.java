package org.acstokenservice.acs;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client under the SDK: the JDK's, with the configured time-outs, and trusting
 * only the connection's own certificate when it names one, so that certificate checks are
 * never switched off and never widened for anything but that endpoint.
 */
final class AcsHttpClient {

	private AcsHttpClient() {
	}

	/**
	 * @param executor runs the client's work; without one the SDK takes azure-core's
	 * shared executor, which azure-core shuts down in a JVM shutdown hook, so that calls
	 * in flight at SIGTERM would never complete and hold the web server's graceful
	 * shutdown until its time-out
	 */
	static HttpClient create(AcsProperties.Client settings, @Nullable X509Certificate trustedCertificate,
			Executor executor) {
		java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder().executor(executor);
		if (trustedCertificate != null) {
			jdk.sslContext(trustOnly(trustedCertificate));
		}
		/*
		 * No read time-out: the SDK enforces one with azure-core's shared scheduler, and
		 * once a JVM shutdown hook has stopped that scheduler, a response in flight
		 * throws in the JDK's body subscriber and its call never completes. The response
		 * time-out (the JDK's own, up to the status line) and ACS's small bodies leave
		 * little for a read time-out to catch.
		 */
		return new JdkHttpClientBuilder(jdk).executor(executor)
			.connectionTimeout(settings.connectTimeout())
			.responseTimeout(settings.responseTimeout())
			.readTimeout(Duration.ZERO)
			.build();
	}

	private static SSLContext trustOnly(X509Certificate certificate) {
		try {
			KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
			trustStore.load(null, null);
			trustStore.setCertificateEntry("acs", certificate);
			TrustManagerFactory trustManagers = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trustStore);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Could not trust the ACS endpoint's certificate", ex);
		}
	}

}
