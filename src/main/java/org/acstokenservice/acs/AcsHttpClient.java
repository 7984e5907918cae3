package org.acstokenservice.acs;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;

/**
 * The HTTP client under the SDK: the JDK's, with the configured time-outs, and trusting
 * only the connection's own certificate when it names one, so that certificate checks are
 * never switched off and never widened for anything but that endpoint.
 */
final class AcsHttpClient {

	private AcsHttpClient() {
	}

	static HttpClient create(AcsProperties.Client settings, X509Certificate trustedCertificate) {
		java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
		if (trustedCertificate != null) {
			jdk.sslContext(trustOnly(trustedCertificate));
		}
		return new JdkHttpClientBuilder(jdk).connectionTimeout(settings.connectTimeout())
			.responseTimeout(settings.responseTimeout())
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
