package org.acstokenservice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a deployment (deploy/kubernetes, deploy/azure) must agree on with the service and
 * its image: which settings the service binds, its probe paths and port, the JVM's memory
 * flags and the JDBC URL's socket time-out. Both deployments' tests ask here, so that
 * they say the same.
 */
final class DeploymentSettings {

	/**
	 * Environment variables that are no Spring property but that something in the image
	 * reads as a whole, and what reads it.
	 */
	static final Map<String, String> READ_AS_A_WHOLE = Map.of("JAVA_TOOL_OPTIONS", "the JVM", "AZURE_CLIENT_ID",
			"azure-identity's DefaultAzureCredential: which user-assigned managed identity to use",
			"SPRING_APPLICATION_JSON", "Spring Boot: properties as one JSON document");

	/**
	 * Outside the heap the JVM needs its metaspace, code cache, thread stacks and the
	 * mapped AOT cache: under Kubernetes' limit of 768 MiB, with a heap of at most 75 %,
	 * that was 192 MiB, and the container was never refused
	 * (docs/benchmarks/2026-12-03-fleet-speed.md).
	 */
	static final long MIN_NON_HEAP_MIB = 192;

	/**
	 * How long a request waits for the database at most, as docs/operations.md and
	 * docs/fleet.md state it.
	 */
	static final Duration REQUEST_BOUND = Duration.ofSeconds(2);

	private static final Pattern SOCKET_TIMEOUT = Pattern.compile("[?&]socketTimeout=(\\d+)(&|$)");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static Map<ConfigurationPropertyName, Boolean> properties;

	private DeploymentSettings() {
	}

	/**
	 * The environment variables among the given names that no property of the service
	 * binds (through Spring Boot's own mapping of environment names) and that are not
	 * {@link #READ_AS_A_WHOLE}.
	 */
	static List<String> unboundEnvironmentNames(Collection<String> names) {
		List<String> unbound = new ArrayList<>();
		for (String name : names) {
			if (!READ_AS_A_WHOLE.containsKey(name)
					&& !binds(ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
							StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(name, "value"))))) {
				unbound.add(name);
			}
		}
		return unbound;
	}

	/**
	 * The property names (dotted, as in a YAML or JSON document) among the given ones
	 * that no property of the service binds.
	 */
	static List<String> unboundPropertyNames(Collection<String> names) {
		List<String> unbound = new ArrayList<>();
		for (String name : names) {
			if (!binds(new MapConfigurationPropertySource(Map.of(name, "value")))) {
				unbound.add(name);
			}
		}
		return unbound;
	}

	/*
	 * Boot maps environment names (dots to underscores, hyphens dropped) only for a
	 * source of that name.
	 */
	private static boolean binds(ConfigurationPropertySource source) {
		for (Map.Entry<ConfigurationPropertyName, Boolean> property : properties().entrySet()) {
			if (source.getConfigurationProperty(property.getKey()) != null) {
				return true;
			}
			// A map (acs.resources, acs.assignment.resources) takes any key below it.
			if (property.getValue()
					&& source.containsDescendantOf(property.getKey()) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Every property in the configuration metadata on the class path (the service's own
	 * and Spring Boot's), and whether it is a map.
	 */
	private static synchronized Map<ConfigurationPropertyName, Boolean> properties() {
		if (properties == null) {
			Map<ConfigurationPropertyName, Boolean> found = new HashMap<>();
			try {
				Enumeration<URL> metadata = DeploymentSettings.class.getClassLoader()
					.getResources("META-INF/spring-configuration-metadata.json");
				while (metadata.hasMoreElements()) {
					try (InputStream in = metadata.nextElement().openStream()) {
						for (JsonNode property : JSON.readTree(in).path("properties")) {
							ConfigurationPropertyName name = ConfigurationPropertyName
								.ofIfValid(property.path("name").asString());
							if (name != null) {
								found.merge(name, property.path("type").asString("").startsWith("java.util.Map<"),
										Boolean::logicalOr);
							}
						}
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			properties = found;
		}
		return properties;
	}

	/** The service's HTTP port, from application.yml. */
	static int serverPort(Map<String, Object> application) {
		return (Integer) KubernetesManifestTests.map(application, "server").get("port");
	}

	/**
	 * The paths that the liveness, readiness and start-up probes must ask, checked
	 * against application.yml's health groups: start-up asks liveness, which is UP once
	 * the application has started.
	 */
	static Map<String, String> probePaths(Map<String, Object> application) {
		Map<String, Object> health = KubernetesManifestTests.map(application, "management", "endpoint", "health");
		Map<String, Object> groups = KubernetesManifestTests.map(health, "group");
		if (!Boolean.TRUE.equals(KubernetesManifestTests.map(health, "probes").get("enabled"))
				|| !groups.containsKey("liveness") || !groups.containsKey("readiness")) {
			throw new AssertionError("application.yml has no liveness and readiness health groups");
		}
		// The paths below assume the default base path and no separate management port.
		if (KubernetesManifestTests.map(application, "management", "endpoints", "web").containsKey("base-path")
				|| KubernetesManifestTests.map(application, "management").containsKey("server")) {
			throw new AssertionError("application.yml moves the actuator: the probe paths below no longer hold");
		}
		Map<String, String> paths = new LinkedHashMap<>();
		paths.put("liveness", "/actuator/health/liveness");
		paths.put("readiness", "/actuator/health/readiness");
		paths.put("startup", "/actuator/health/liveness");
		return paths;
	}

	/** The JVM's memory flags as the image sets them (JAVA_TOOL_OPTIONS). */
	record JvmMemoryFlags(int maxRamPercentage, long initialHeapMib) {

		private static final Pattern OPTIONS = Pattern.compile("(?ms)^ENV JAVA_TOOL_OPTIONS=\"(.*?)\"$");

		static JvmMemoryFlags fromDockerfile() throws IOException {
			Matcher options = OPTIONS.matcher(Files.readString(Path.of("Dockerfile")));
			if (!options.find()) {
				throw new AssertionError("no ENV JAVA_TOOL_OPTIONS in the Dockerfile");
			}
			String flags = options.group(1).replace("\\\n", " ");
			if (flags.contains("-Xmx") || flags.contains("MaxRAM=")) {
				throw new AssertionError("a fixed heap (" + flags + "): size it from the container instead");
			}
			Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(flags);
			Matcher initial = Pattern.compile("-Xms(\\d+)m").matcher(flags);
			if (!percentage.find() || !initial.find()) {
				throw new AssertionError("no -XX:MaxRAMPercentage or -Xms<n>m in " + flags);
			}
			return new JvmMemoryFlags(Integer.parseInt(percentage.group(1)), Long.parseLong(initial.group(1)));
		}

		/** The largest heap in a container of this much memory. */
		long maxHeapMib(long containerMib) {
			return containerMib * this.maxRamPercentage / 100;
		}

		/**
		 * Whether the heap, grown to its largest, still leaves the JVM its room outside
		 * the heap, and the initial heap is below the largest.
		 */
		boolean fit(long containerMib) {
			return containerMib - maxHeapMib(containerMib) >= MIN_NON_HEAP_MIB
					&& this.initialHeapMib <= maxHeapMib(containerMib);
		}

	}

	/** The socketTimeout (seconds) of a PostgreSQL JDBC URL. */
	static Duration socketTimeout(String url) {
		Matcher matcher = SOCKET_TIMEOUT.matcher(url);
		if (!matcher.find()) {
			throw new AssertionError("no socketTimeout (seconds) in " + url);
		}
		return Duration.ofSeconds(Long.parseLong(matcher.group(1)));
	}

	/**
	 * What is wrong with a JDBC URL's socket time-out, which is what bounds a statement
	 * on a network that drops packets silently: it must let a slow statement end by its
	 * own time-out (application.yml's {@code spring.jdbc.template.query-timeout}, which
	 * cancels it and keeps the connection) and still answer within the
	 * {@link #REQUEST_BOUND}.
	 */
	static List<String> socketTimeoutProblems(String url, Map<String, Object> application) {
		Duration socket = socketTimeout(url);
		Duration statements = DurationStyle.detectAndParse(
				(String) KubernetesManifestTests.map(application, "spring", "jdbc", "template").get("query-timeout"));
		List<String> problems = new ArrayList<>();
		if (socket.compareTo(statements) <= 0) {
			problems.add("socketTimeout " + socket + " is not above the statement time-out " + statements);
		}
		if (socket.compareTo(REQUEST_BOUND) > 0) {
			problems.add("socketTimeout " + socket + " is beyond the request's bound " + REQUEST_BOUND);
		}
		return problems;
	}

	/** Kubernetes' and Azure's memory quantities (512Mi, 2Gi, 1.5Gi) in MiB. */
	static long mebibytes(String quantity) {
		Matcher matcher = Pattern.compile("(\\d+(?:\\.\\d+)?)(Mi|Gi)").matcher(quantity);
		if (!matcher.matches()) {
			throw new AssertionError("not a quantity in Mi or Gi: " + quantity);
		}
		double value = Double.parseDouble(matcher.group(1));
		return Math.round("Gi".equals(matcher.group(2)) ? value * 1024 : value);
	}

}
