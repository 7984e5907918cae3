package org.acstokenservice.local;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Gives local mode its defaults: loopback only, an H2 file database under {@code ./data}
 * and the embedded emulator's state beside it. In production mode the datasource must be
 * configured: an H2 database picked silently would lose every identity with the
 * container.
 * <p>
 * Local mode refuses to start on an address other than loopback: an empty
 * {@code ACS_CONNECTION_STRING} (a Secret that is missing) must not turn a deployment
 * into a demo that hands out emulator tokens, or demo users' sign-ins, to the network.
 */
class LocalModeEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "acsTokenServiceLocalMode";

	static final String LOCAL_DATABASE_URL = "jdbc:h2:file:./data/acs-token-service";

	static final String LOCAL_EMULATOR_DATA_DIR = "data/emulator";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean datasourceConfigured = StringUtils.hasText(environment.getProperty("spring.datasource.url"));
		if (!LocalMode.isActive(environment)) {
			if (!datasourceConfigured) {
				throw new IllegalStateException("An ACS resource is configured, so the service runs in production mode "
						+ "and needs its PostgreSQL database: set spring.datasource.url (SPRING_DATASOURCE_URL), "
						+ "spring.datasource.username and spring.datasource.password");
			}
			refuseForwardedHeadersFromAnyone(environment);
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("server.address", "127.0.0.1");
		defaults.put("acs.emulator.data-dir", LOCAL_EMULATOR_DATA_DIR);
		if (!datasourceConfigured) {
			defaults.put("spring.datasource.url", LOCAL_DATABASE_URL);
		}
		// Lowest precedence: anything the user configures wins.
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
		String address = environment.getProperty("server.address");
		if (!LocalMode.isLoopback(address)) {
			throw new IllegalStateException("No ACS resource is configured, so the service would run in local mode "
					+ "(an embedded ACS emulator and, without a JWT issuer, demo users), which serves on a loopback "
					+ "address only, but server.address is '" + address + "'. For production configure the ACS "
					+ "resource: ACS_CONNECTION_STRING (acs.connection-string), or ACS_ENDPOINT (acs.endpoint) with "
					+ "a managed identity; to try local mode, set server.address (SERVER_ADDRESS) to 127.0.0.1");
		}
	}

	/**
	 * Spring's own handling of forwarded headers believes {@code X-Forwarded-For} from
	 * any client, so that a client could name a new address on every failed sign-in.
	 * Tomcat's ({@code native}) believes it only from the proxies named in
	 * {@code server.tomcat.remoteip.internal-proxies}.
	 */
	private static void refuseForwardedHeadersFromAnyone(ConfigurableEnvironment environment) {
		String strategy = environment.getProperty("server.forward-headers-strategy");
		if (strategy != null && strategy.trim().equalsIgnoreCase("framework")) {
			throw new IllegalStateException("server.forward-headers-strategy=framework believes X-Forwarded-For from "
					+ "any client, which could then choose its own address for the failed sign-in limit. Behind a "
					+ "proxy set server.forward-headers-strategy=native (SERVER_FORWARD_HEADERS_STRATEGY) and name "
					+ "the proxies in server.tomcat.remoteip.internal-proxies; otherwise leave it unset (none)");
		}
	}

}
