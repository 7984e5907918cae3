package org.acstokenservice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Keeps the names that the service's settings had before they moved under
 * {@code token-service.*} working: {@code policy.*}, {@code audit.*}, {@code fleet.*},
 * {@code sign-in.*}, {@code teams.*}, {@code tokens.reuse.*}, {@code local.example.*},
 * {@code http.max-request-body} and {@code identity.deletion-retry-interval}, in any form
 * that Boot binds (a properties file, {@code POLICY_RATELIMIT_CAPACITY}, an argument). A
 * value under an old name is used under the new one, with the precedence of the place
 * that set it, below the new name set in the same place; start-up warns once, naming the
 * old names (never their values). The deprecation metadata
 * ({@code META-INF/additional-spring-configuration-metadata.json}) tells IDEs the same.
 */
class LegacyPropertyNames implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "acsTokenServiceLegacyPropertyNames";

	static final String PREFIX = "token-service";

	/** Boot's view of every other source, which would count each name twice. */
	private static final String ATTACHED = "configurationProperties";

	/** The old names, each a prefix or a single property. */
	static final List<ConfigurationPropertyName> OLD_NAMES = List
		.of("audit", "fleet", "http.max-request-body", "identity.deletion-retry-interval", "local.example", "policy",
				"sign-in", "teams", "tokens.reuse")
		.stream()
		.map(ConfigurationPropertyName::of)
		.toList();

	private final Log logger;

	LegacyPropertyNames(DeferredLogFactory logs) {
		this.logger = logs.getLog(LegacyPropertyNames.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, PropertySource<?>> renamedAfter = new LinkedHashMap<>();
		Set<String> oldNames = new TreeSet<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (ATTACHED.equals(source.getName()) || !(ConfigurationPropertySource
				.from(source) instanceof IterableConfigurationPropertySource names)) {
				continue;
			}
			boolean fromEnvironment = source instanceof SystemEnvironmentPropertySource;
			Map<String, Object> renamed = new LinkedHashMap<>();
			names.stream().filter(LegacyPropertyNames::isOld).forEach((name) -> {
				ConfigurationProperty property = names.getConfigurationProperty(name);
				if (property != null) {
					renamed.put(fromEnvironment ? environmentVariable(name) : PREFIX + "." + name, property.getValue());
					oldNames.add(name.toString());
				}
			});
			if (!renamed.isEmpty()) {
				/*
				 * Boot reads a source as environment variables only when its name ends in
				 * -systemEnvironment.
				 */
				String name = PROPERTY_SOURCE_NAME + "-" + source.getName();
				renamedAfter.put(source.getName(), fromEnvironment ? new SystemEnvironmentPropertySource(name, renamed)
						: new MapPropertySource(name, renamed));
			}
		}
		/*
		 * Just below the source that set them: an old name keeps its precedence, and a
		 * new name set in the same place wins.
		 */
		renamedAfter.forEach((source, renamed) -> environment.getPropertySources().addAfter(source, renamed));
		if (!oldNames.isEmpty()) {
			this.logger.warn("Settings under their old names are used under " + PREFIX + ".*, where they have "
					+ "moved; rename them, as the old names will go: " + String.join(", ", oldNames));
		}
	}

	/**
	 * {@code policy.ratelimit.capacity} becomes
	 * {@code TOKENSERVICE_POLICY_RATELIMIT_CAPACITY}.
	 */
	private static String environmentVariable(ConfigurationPropertyName name) {
		return (PREFIX + "." + name).replace("-", "")
			.replace('.', '_')
			.replace('[', '_')
			.replace("]", "")
			.toUpperCase(Locale.ROOT);
	}

	private static boolean isOld(ConfigurationPropertyName name) {
		return OLD_NAMES.stream().anyMatch((old) -> old.equals(name) || old.isAncestorOf(name));
	}

}
