package org.acstokenservice;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps deploy/kubernetes in step with the application and the image. Nothing else would
 * notice if a probe path, the port, a setting's name or the user drifted: the cluster
 * would only restart the pods in a loop, never route to them, or run with a setting
 * ignored. {@link AzureTemplateTests} asks the same of deploy/azure, through
 * {@link DeploymentSettings}.
 */
class KubernetesManifestTests {

	static final Path MANIFESTS = Path.of("deploy/kubernetes");

	static Map<String, Object> application;

	static List<Map<String, Object>> manifests;

	@BeforeAll
	static void load() throws IOException {
		application = loadAll(Path.of("src/main/resources/application.yml")).get(0);
		manifests = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(MANIFESTS, "*.yaml")) {
			for (Path file : files) {
				manifests.addAll(loadAll(file));
			}
		}
	}

	@Test
	void deploymentWhenProbedThenPathsMatchActuatorGroups() {
		Map<String, String> paths = DeploymentSettings.probePaths(application);
		Map<String, Object> container = container();

		assertThat(map(container, "livenessProbe", "httpGet").get("path")).isEqualTo(paths.get("liveness"));
		assertThat(map(container, "startupProbe", "httpGet").get("path")).isEqualTo(paths.get("startup"));
		assertThat(map(container, "readinessProbe", "httpGet").get("path")).isEqualTo(paths.get("readiness"));
	}

	@Test
	void deploymentWhenConfiguredThenEveryEnvironmentNameBinds() {
		List<String> names = new ArrayList<>(map(manifest("ConfigMap"), "data").keySet());
		list(container(), "env").forEach((env) -> names.add((String) env.get("name")));

		assertThat(names).contains("SPRING_DATASOURCE_URL", "SERVER_TOMCAT_REMOTEIP_INTERNALPROXIES");
		assertThat(DeploymentSettings.unboundEnvironmentNames(names)).isEmpty();
	}

	@Test
	void deploymentWhenLimitedThenImagesJvmFlagsFit() throws IOException {
		DeploymentSettings.JvmMemoryFlags flags = DeploymentSettings.JvmMemoryFlags.fromDockerfile();
		long limit = DeploymentSettings.mebibytes((String) map(container(), "resources", "limits").get("memory"));

		assertThat(flags.fit(limit)).as("heap of %d %% of %d MiB", flags.maxRamPercentage(), limit).isTrue();
	}

	@Test
	void deploymentWhenProbedThenPortIsServerPort() {
		Object serverPort = DeploymentSettings.serverPort(application);
		Map<String, Object> container = container();

		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			Object port = map(container, probe, "httpGet").get("port");
			assertThat(containerPort(container, port)).as(probe).isEqualTo(serverPort);
		}
		assertThat(env(container, "SERVER_ADDRESS").get("value")).isEqualTo("0.0.0.0");
	}

	@Test
	void serviceWhenRoutedThenTargetsServerPort() {
		Map<String, Object> port = list(map(manifest("Service"), "spec"), "ports").get(0);

		assertThat(containerPort(container(), port.get("targetPort")))
			.isEqualTo(map(application, "server").get("port"));
		assertThat(map(manifest("Service"), "spec", "selector")).isEqualTo(podLabels());
	}

	@Test
	void deploymentWhenRunThenNonRootWithReadOnlyRootFilesystem() {
		Map<String, Object> pod = map(manifest("Deployment"), "spec", "template", "spec");
		Map<String, Object> container = container();

		assertThat(map(pod, "securityContext").get("runAsNonRoot")).isEqualTo(true);
		assertThat(map(container, "securityContext").get("readOnlyRootFilesystem")).isEqualTo(true);
		assertThat(map(container, "securityContext").get("allowPrivilegeEscalation")).isEqualTo(false);
		// Tomcat and the JVM write temporary files: /tmp must be a volume of its own.
		Map<String, Object> tmp = list(container, "volumeMounts").stream()
			.filter((mount) -> "/tmp".equals(mount.get("mountPath")))
			.findFirst()
			.orElseThrow();
		Map<String, Object> volume = list(pod, "volumes").stream()
			.filter((candidate) -> candidate.get("name").equals(tmp.get("name")))
			.findFirst()
			.orElseThrow();
		assertThat(volume).containsKey("emptyDir");
	}

	@Test
	void deploymentWhenRunThenUserAndPortMatchDockerfile() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		Matcher user = Pattern.compile("(?m)^USER (\\d+)").matcher(dockerfile);
		Matcher expose = Pattern.compile("(?m)^EXPOSE (\\d+)").matcher(dockerfile);
		Map<String, Object> pod = map(manifest("Deployment"), "spec", "template", "spec");

		assertThat(user.find()).as("a numeric USER in the Dockerfile").isTrue();
		assertThat(expose.find()).as("EXPOSE in the Dockerfile").isTrue();
		assertThat(map(pod, "securityContext").get("runAsUser")).isEqualTo(Integer.valueOf(user.group(1)));
		assertThat(Integer.valueOf(expose.group(1))).isEqualTo(map(application, "server").get("port"));
	}

	@Test
	void deploymentWhenConfiguredThenSecretsComeFromSecret() {
		Map<String, Object> container = container();
		Map<String, Object> exampleSecret = map(manifest("Secret"), "stringData");

		for (String name : List.of("ACS_CONNECTION_STRING", "SPRING_DATASOURCE_PASSWORD")) {
			Map<String, Object> env = env(container, name);
			assertThat(env).as(name).doesNotContainKey("value");
			Map<String, Object> secretKeyRef = map(env, "valueFrom", "secretKeyRef");
			assertThat(secretKeyRef.get("name")).isEqualTo(map(manifest("Secret"), "metadata").get("name"));
			assertThat(exampleSecret).containsKey((String) secretKeyRef.get("key"));
		}
		assertThat(map(manifest("ConfigMap"), "data")).doesNotContainKeys("ACS_CONNECTION_STRING",
				"SPRING_DATASOURCE_PASSWORD");
	}

	@Test
	void exampleSecretWhenReadThenPlaceholdersOnly() {
		Map<String, Object> exampleSecret = map(manifest("Secret"), "stringData");

		assertThat(exampleSecret).isNotEmpty();
		// A real ACS access key is base64 of 64 bytes; a placeholder is a <name>.
		exampleSecret.values()
			.forEach((value) -> assertThat((String) value).containsPattern("<[a-z-]+>")
				.doesNotContainPattern("[A-Za-z0-9+/]{20,}={0,2}"));
	}

	@Test
	void deploymentWhenStoppedThenGraceCoversPreStopAndShutdownPhase() {
		Map<String, Object> pod = map(manifest("Deployment"), "spec", "template", "spec");
		int preStop = (Integer) map(container(), "lifecycle", "preStop", "sleep").get("seconds");
		String phase = (String) map(manifest("ConfigMap"), "data").get("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE");

		assertThat(map(application, "server").get("shutdown")).isEqualTo("graceful");
		assertThat(phase).matches("\\d+s");
		assertThat((Integer) pod.get("terminationGracePeriodSeconds"))
			.isGreaterThan(preStop + Integer.parseInt(phase.replace("s", "")));
	}

	@Test
	void configMapWhenForwardedHeadersOnThenTrustedProxiesNamed() {
		Map<String, Object> data = map(manifest("ConfigMap"), "data");
		Map<String, Object> remoteIp = map(application, "server", "tomcat", "remoteip");

		// Tomcat's own default would believe X-Forwarded-For from every private address.
		assertThat(remoteIp.get("internal-proxies")).isEqualTo("");
		assertThat(data.get("SERVER_FORWARD_HEADERS_STRATEGY")).isEqualTo("native");
		assertThat(data).containsKey("SERVER_TOMCAT_REMOTEIP_INTERNALPROXIES");
	}

	@Test
	void configMapWhenDatabaseSilentThenSocketTimeOutWithinTheRequestBoundAndAboveTheStatements() {
		assertThat(DeploymentSettings.socketTimeoutProblems(datasourceUrl(), application)).isEmpty();
	}

	@Test
	void logsWhenDeployedThenStructuredAsInTheImageAndHumanReadableLocally() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		Matcher image = Pattern.compile("(?m)^ENV LOGGING_STRUCTURED_FORMAT_CONSOLE=(\\S+)$").matcher(dockerfile);
		Object deployed = map(manifest("ConfigMap"), "data").get("LOGGING_STRUCTURED_FORMAT_CONSOLE");

		assertThat(image.find()).as("LOGGING_STRUCTURED_FORMAT_CONSOLE in the Dockerfile").isTrue();
		assertThat(image.group(1)).isIn("ecs", "logstash", "gelf");
		assertThat(deployed).isEqualTo(image.group(1));
		// Local mode (spring-boot:run, java -jar) keeps Boot's human-readable lines.
		assertThat(map(application, "logging")).doesNotContainKey("structured");
	}

	@Test
	void autoscalingWhenScaledThenTargetsDeploymentAndKeepsBudget() {
		Map<String, Object> deployment = manifest("Deployment");
		Map<String, Object> hpa = manifest("HorizontalPodAutoscaler");
		Map<String, Object> pdb = manifest("PodDisruptionBudget");

		assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
		assertThat(map(hpa, "spec", "scaleTargetRef").get("name")).isEqualTo(map(deployment, "metadata").get("name"));
		assertThat(map(deployment, "spec").get("replicas")).isEqualTo(2);
		/*
		 * With the budget's minimum equal to the autoscaler's, no node could ever be
		 * drained.
		 */
		assertThat((Integer) map(hpa, "spec").get("minReplicas"))
			.isGreaterThan((Integer) map(pdb, "spec").get("minAvailable"));
		assertThat(map(pdb, "spec", "selector", "matchLabels")).isEqualTo(podLabels());
	}

	static List<Map<String, Object>> loadAll(Path file) throws IOException {
		Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
		List<Map<String, Object>> documents = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(file)) {
			for (Object document : yaml.loadAll(reader)) {
				if (document != null) {
					documents.add(cast(document));
				}
			}
		}
		return documents;
	}

	static Map<String, Object> manifest(String kind) {
		List<Map<String, Object>> found = manifests.stream()
			.filter((manifest) -> kind.equals(manifest.get("kind")))
			.toList();
		assertThat(found).as("one %s in %s", kind, MANIFESTS).hasSize(1);
		return found.get(0);
	}

	/** The ConfigMap's JDBC URL. */
	static String datasourceUrl() {
		return (String) map(manifest("ConfigMap"), "data").get("SPRING_DATASOURCE_URL");
	}

	static Map<String, Object> container() {
		List<Map<String, Object>> containers = list(map(manifest("Deployment"), "spec", "template", "spec"),
				"containers");
		assertThat(containers).hasSize(1);
		return containers.get(0);
	}

	static Map<String, Object> podLabels() {
		return map(manifest("Deployment"), "spec", "template", "metadata", "labels");
	}

	/** The number behind a probe's or a Service's port, which may be a port's name. */
	static Object containerPort(Map<String, Object> container, Object port) {
		if (port instanceof Integer) {
			return port;
		}
		return list(container, "ports").stream()
			.filter((candidate) -> port.equals(candidate.get("name")))
			.map((candidate) -> candidate.get("containerPort"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port named " + port));
	}

	static Map<String, Object> env(Map<String, Object> container, String name) {
		return list(container, "env").stream()
			.filter((env) -> name.equals(env.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no environment variable " + name));
	}

	static Map<String, Object> map(Map<String, Object> root, String... path) {
		Map<String, Object> current = root;
		for (String key : path) {
			assertThat(current).as("path %s", String.join(".", path)).containsKey(key);
			current = cast(current.get(key));
		}
		return current;
	}

	static List<Map<String, Object>> list(Map<String, Object> root, String key) {
		assertThat(root).containsKey(key);
		return cast(root.get(key));
	}

	@SuppressWarnings("unchecked")
	static <T> T cast(Object value) {
		return (T) value;
	}

}
