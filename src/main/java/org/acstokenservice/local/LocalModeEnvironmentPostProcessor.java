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
	}

}
