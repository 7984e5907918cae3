package org.acstokenservice.acs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * The connection details of production, read from {@link AcsProperties}: a connection
 * string (access key), or an endpoint reached with a Microsoft Entra ID credential.
 */
final class PropertiesAcsConnectionDetails {

	private PropertiesAcsConnectionDetails() {
	}

	/**
	 * Reads the details from the properties.
	 * @throws IllegalStateException when no resource is configured or the connection
	 * string is malformed; the message never echoes the connection string
	 */
	static AcsConnectionDetails of(AcsProperties properties) {
		return read(properties.connectionString(), properties.endpoint(), properties.trustedCertificate(),
				"acs.connection-string (ACS_CONNECTION_STRING)", "No ACS resource is configured: set "
						+ "acs.connection-string (ACS_CONNECTION_STRING) or acs.endpoint (ACS_ENDPOINT)");
	}

	/**
	 * Reads the details of resource {@code name} from {@code acs.resources.<name>.*}.
	 * @throws IllegalStateException as {@link #of(AcsProperties)}
	 */
	static AcsConnectionDetails of(String name, AcsProperties.Resource resource) {
		String prefix = "acs.resources." + name;
		return read(resource.connectionString(), resource.endpoint(), resource.trustedCertificate(),
				prefix + ".connection-string",
				"ACS resource " + name + " has neither " + prefix + ".connection-string nor " + prefix + ".endpoint");
	}

	/**
	 * @param connectionStringName the setting that gave the connection string, for the
	 * message when it is malformed
	 * @param missing the message when neither a connection string nor an endpoint is
	 * given
	 */
	private static AcsConnectionDetails read(@Nullable String connectionString, @Nullable URI endpoint,
			@Nullable Path trustedCertificate, String connectionStringName, String missing) {
		X509Certificate trusted = (trustedCertificate != null) ? readCertificate(trustedCertificate) : null;
		if (StringUtils.hasText(connectionString)) {
			try {
				return AcsConnectionDetails.ofConnectionString(connectionString, trusted);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(connectionStringName + " is malformed: " + ex.getMessage());
			}
		}
		if (endpoint == null || endpoint.toString().isEmpty()) {
			throw new IllegalStateException(missing);
		}
		return new AcsConnection(endpoint, null, trusted);
	}

	private static X509Certificate readCertificate(Path pem) {
		try (InputStream in = Files.newInputStream(pem)) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("acs.trusted-certificate: cannot read a PEM certificate from " + pem, ex);
		}
	}

}
