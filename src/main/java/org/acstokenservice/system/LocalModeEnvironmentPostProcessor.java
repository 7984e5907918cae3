package org.acstokenservice.system;

import java.util.LinkedHashMap;
import java.util.Map;

import org.acstokenservice.acs.EmulatedAcsCondition;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Gives local mode its defaults: loopback only, and an H2 file database under
 * {@code ./data}. In production mode the datasource must be configured: an H2 database
 * picked silently would lose every identity with the container.
 */
class LocalModeEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "acsTokenServiceLocalMode";

	static final String LOCAL_DATABASE_URL = "jdbc:h2:file:./data/acs-token-service";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean datasourceConfigured = StringUtils.hasText(environment.getProperty("spring.datasource.url"));
		if (!EmulatedAcsCondition.isEmulated(environment)) {
			if (!datasourceConfigured) {
				throw new IllegalStateException("An ACS resource is configured, so the service runs in production mode "
						+ "and needs its PostgreSQL database: set spring.datasource.url (SPRING_DATASOURCE_URL), "
						+ "spring.datasource.username and spring.datasource.password");
			}
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("server.address", "127.0.0.1");
		if (!datasourceConfigured) {
			defaults.put("spring.datasource.url", LOCAL_DATABASE_URL);
		}
		// Lowest precedence: anything the user configures wins.
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

}
