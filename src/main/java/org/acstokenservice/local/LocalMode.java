package org.acstokenservice.local;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.env.PropertySource;
import org.springframework.util.StringUtils;

/**
 * Local mode: no ACS resource is configured, so the service runs against an embedded ACS
 * emulator on loopback, with an H2 database under {@code ./data} and, unless a JWT issuer
 * is configured, demo users. This is its one definition; everything local mode adds lives
 * in this package.
 */
final class LocalMode {

	private LocalMode() {
	}

	/**
	 * Whether the service runs in local mode: neither {@code acs.connection-string} nor
	 * {@code acs.endpoint} is set, nor any {@code acs.resources.*}. Readable before
	 * configuration properties are bound.
	 * @param environment the environment to read
	 * @return {@code true} in local mode
	 */
	static boolean isActive(PropertyResolver environment) {
		return !StringUtils.hasText(environment.getProperty("acs.connection-string"))
				&& !StringUtils.hasText(environment.getProperty("acs.endpoint")) && !namesResources(environment);
	}

	/** Whether any property, or environment variable, configures a resource by name. */
	private static boolean namesResources(PropertyResolver environment) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return false;
		}
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith("acs.resources.") || name.startsWith("ACS_RESOURCES_")) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * Whether an address is a loopback one, the only kind local mode serves on. An empty
	 * address means every interface, so it is not.
	 */
	static boolean isLoopback(@Nullable String address) {
		if (!StringUtils.hasText(address)) {
			return false;
		}
		try {
			return InetAddress.getByName(address.trim()).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
