package org.acstokenservice.acs;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Connection details as values; {@code toString()} never prints the access key.
 *
 * @param endpoint the resource's HTTPS endpoint
 * @param accessKey the base64 access key, or {@code null} for a Microsoft Entra ID
 * credential
 * @param trustedCertificate the one certificate to trust
 */
record AcsConnection(URI endpoint, @Nullable String accessKey,
		@Nullable X509Certificate trustedCertificate) implements AcsConnectionDetails {

	/** ACS's form, as its portal shows it. */
	private static final Pattern CONNECTION_STRING = Pattern
		.compile("(?i)^\\s*endpoint=(https://[^;\\s]+);\\s*accesskey=([A-Za-z0-9+/]+={0,2})\\s*;?\\s*$");

	AcsConnection {
		Objects.requireNonNull(endpoint, "endpoint");
	}

	static AcsConnection parse(String connectionString, @Nullable X509Certificate trustedCertificate) {
		Matcher matcher = CONNECTION_STRING.matcher(connectionString);
		if (!matcher.matches()) {
			throw new IllegalArgumentException(
					"expected 'endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>'");
		}
		return new AcsConnection(URI.create(matcher.group(1)), matcher.group(2), trustedCertificate);
	}

	@Override
	public String toString() {
		return "AcsConnection[endpoint=" + this.endpoint + ", accessKey="
				+ ((this.accessKey != null) ? "******" : "none") + "]";
	}

}
