package org.acstokenservice.acs;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/**
 * Which ACS resource the service talks to, and how. With neither a connection string nor
 * an endpoint the service runs in local mode against its embedded emulator.
 *
 * @param connectionString the resource's connection string,
 * {@code endpoint=https://<resource>.communication.azure.com/;accesskey=<key>}; a secret,
 * usually given as {@code ACS_CONNECTION_STRING}
 * @param endpoint the resource's endpoint, used with azure-identity's
 * {@code DefaultAzureCredential} (managed identity) when no connection string is given;
 * usually given as {@code ACS_ENDPOINT}
 * @param emulator the embedded emulator of local mode
 * @param client time-outs and retries of every ACS call
 */
@ConfigurationProperties("acs")
public record AcsProperties(String connectionString, URI endpoint, @DefaultValue Emulator emulator,
		@DefaultValue Client client) {

	/** Whether no ACS resource is configured, so that the embedded emulator stands in. */
	public boolean emulated() {
		return !StringUtils.hasText(this.connectionString)
				&& (this.endpoint == null || this.endpoint.toString().isEmpty());
	}

	@Override
	public String toString() {
		// The connection string holds the access key.
		return "AcsProperties[connectionString=" + (StringUtils.hasText(this.connectionString) ? "******" : "")
				+ ", endpoint=" + this.endpoint + ", emulator=" + this.emulator + ", client=" + this.client + "]";
	}

	/**
	 * The emulator that local mode starts on loopback.
	 *
	 * @param port its HTTPS port; 0 picks a free one
	 * @param dataDir where it keeps its resource id, identities, revocations and signing
	 * key, so that a restarted service finds its users' identities again
	 */
	public record Emulator(@DefaultValue("0") int port, @DefaultValue("data/emulator") Path dataDir) {
	}

	/**
	 * How the service calls ACS.
	 *
	 * @param connectTimeout how long to wait for a connection to ACS
	 * @param responseTimeout how long to wait for ACS to answer one attempt
	 * @param maxRetries how many times the SDK retries a throttled or failed call
	 * @param retryDelay the first delay between retries; it doubles each time
	 */
	public record Client(@DefaultValue("2s") Duration connectTimeout, @DefaultValue("5s") Duration responseTimeout,
			@DefaultValue("2") int maxRetries, @DefaultValue("200ms") Duration retryDelay) {
	}

}
