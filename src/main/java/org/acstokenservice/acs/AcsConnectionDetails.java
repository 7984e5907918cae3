package org.acstokenservice.acs;

import java.net.URI;
import java.security.cert.X509Certificate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the ACS resource is and how calls to it are signed: what the SDK client is built
 * from. Production derives it from the {@code acs.*} properties; local mode provides one
 * that points at its embedded emulator, and a test may provide its own. The client never
 * knows which.
 */
public interface AcsConnectionDetails extends ConnectionDetails {

	/**
	 * The resource's HTTPS endpoint, such as
	 * {@code https://<resource>.communication.azure.com/}.
	 */
	URI endpoint();

	/**
	 * The base64 access key that signs each call with HMAC, or {@code null} when calls
	 * carry a Microsoft Entra ID token instead (managed identity). A secret.
	 */
	@Nullable String accessKey();

	/**
	 * The one certificate to trust for calls to the endpoint, or {@code null} for the
	 * JVM's usual trust store. Set for an emulator, never for real ACS.
	 */
	default @Nullable X509Certificate trustedCertificate() {
		return null;
	}

	/**
	 * Details read from a connection string, whose calls are signed with its access key.
	 * @param connectionString
	 * {@code endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>}
	 * @param trustedCertificate the one certificate to trust
	 * @return the details; their {@code toString()} hides the key
	 * @throws IllegalArgumentException when the connection string is malformed; the
	 * message never echoes it, since it holds the key
	 */
	static AcsConnectionDetails ofConnectionString(String connectionString,
			@Nullable X509Certificate trustedCertificate) {
		return AcsConnection.parse(connectionString, trustedCertificate);
	}

}
