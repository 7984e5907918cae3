package org.acstokenservice.acs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

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
		X509Certificate trusted = (properties.trustedCertificate() != null)
				? readCertificate(properties.trustedCertificate()) : null;
		if (StringUtils.hasText(properties.connectionString())) {
			try {
				return AcsConnectionDetails.ofConnectionString(properties.connectionString(), trusted);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(
						"acs.connection-string (ACS_CONNECTION_STRING) is malformed: " + ex.getMessage());
			}
		}
		if (properties.endpoint() == null || properties.endpoint().toString().isEmpty()) {
			throw new IllegalStateException("No ACS resource is configured: set acs.connection-string "
					+ "(ACS_CONNECTION_STRING) or acs.endpoint (ACS_ENDPOINT)");
		}
		return new AcsConnection(properties.endpoint(), null, trusted);
	}

	/**
	 * Reads the details of resource {@code name} from {@code acs.resources.<name>.*}.
	 * @throws IllegalStateException as {@link #of(AcsProperties)}
	 */
	static AcsConnectionDetails of(String name, AcsProperties.Resource resource) {
		String prefix = "acs.resources." + name;
		X509Certificate trusted = (resource.trustedCertificate() != null)
				? readCertificate(resource.trustedCertificate()) : null;
		if (StringUtils.hasText(resource.connectionString())) {
			try {
				return AcsConnectionDetails.ofConnectionString(resource.connectionString(), trusted);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(prefix + ".connection-string is malformed: " + ex.getMessage());
			}
		}
		if (resource.endpoint() == null || resource.endpoint().toString().isEmpty()) {
			throw new IllegalStateException("ACS resource " + name + " has neither " + prefix
					+ ".connection-string nor " + prefix + ".endpoint");
		}
		return new AcsConnection(resource.endpoint(), null, trusted);
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
