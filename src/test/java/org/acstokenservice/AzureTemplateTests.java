package org.acstokenservice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps deploy/azure/azuredeploy.json valid for Azure Resource Manager and in step with
 * the service, the image and the Kubernetes manifests. No Azure account, CLI or network
 * is reached: the template is checked against Azure's published JSON schemas
 * ({@link ArmTemplateSchemas}), and has never been deployed from here.
 */
class AzureTemplateTests {

	static final Path TEMPLATE = Path.of("deploy/azure/azuredeploy.json");

	static final Path IMAGE_WORKFLOW = Path.of(".github/workflows/image.yml");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern REFERENCE = Pattern.compile("\\b(parameters|variables)\\('([^']*)'\\)");

	static ArmTemplateSchemas schemas;

	static JsonNode template;

	static Map<String, Object> application;

	@BeforeAll
	static void load() throws IOException {
		KubernetesManifestTests.load();
		schemas = new ArmTemplateSchemas();
		template = JSON.readTree(TEMPLATE.toFile());
		application = KubernetesManifestTests.loadAll(Path.of("src/main/resources/application.yml")).get(0);
	}

	@Test
	void templateWhenValidatedThenMatchesDeploymentTemplateSchema() {
		for (JsonNode each : templates()) {
			assertThat(schemas.templateErrors(each)).isEmpty();
		}
	}

	@Test
	void resourcesWhenValidatedThenMatchTheirProvidersSchemaAtTheirApiVersion() {
		List<String> errors = new ArrayList<>();
		for (JsonNode resource : resources()) {
			errors.addAll(schemas.resourceErrors(resource));
		}
		assertThat(resources()).hasSizeGreaterThan(10);
		assertThat(errors).isEmpty();
	}

	@Test
	void schemaCheckWhenPropertyMisspeltThenFails() {
		ObjectNode app = (ObjectNode) containerApp().deepCopy();
		ObjectNode probe = (ObjectNode) app.at("/properties/template/containers/0/probes/0");
		probe.set("periodSecond", probe.remove("periodSeconds"));

		assertThat(schemas.resourceErrors(app))
			.anySatisfy((error) -> assertThat(error).contains("property 'periodSecond' is not defined in the schema"));
		assertThat(schemas.templateErrors(withContainerApp(app))).isNotEmpty();
	}

	@Test
	void schemaCheckWhenTopLevelPropertyMisspeltThenFails() {
		ObjectNode app = (ObjectNode) containerApp().deepCopy();
		app.set("identitiy", app.remove("identity"));

		assertThat(schemas.resourceErrors(app)).singleElement().asString().contains("identitiy");
	}

	@Test
	void schemaCheckWhenWrongTypeThenFails() {
		ObjectNode app = (ObjectNode) containerApp().deepCopy();
		((ObjectNode) app.at("/properties/configuration/ingress")).put("targetPort", "8080");

		assertThat(schemas.resourceErrors(app)).isNotEmpty()
			.anySatisfy((error) -> assertThat(error).contains("targetPort"));
		assertThat(schemas.templateErrors(withContainerApp(app))).isNotEmpty();
	}

	@Test
	void schemaCheckWhenApiVersionUnknownThenFails() {
		ObjectNode app = (ObjectNode) containerApp().deepCopy();
		app.put("apiVersion", "2025-01-02");

		assertThat(schemas.resourceErrors(app)).singleElement()
			.asString()
			.contains("no schema of Microsoft.App/containerApps at API version 2025-01-02");
		assertThat(schemas.templateErrors(withContainerApp(app))).isNotEmpty();
	}

	@Test
	void parametersWhenDeclaredThenEachUsed() {
		for (JsonNode each : templates()) {
			Set<String> used = references(withoutNestedTemplates(each), "parameters");
			assertThat(used).containsAll(each.path("parameters").propertyNames());
			assertThat(references(withoutNestedTemplates(each), "variables"))
				.containsAll(each.path("variables").propertyNames());
		}
	}

	@Test
	void referencesWhenMadeThenNameADeclaredParameterOrVariable() {
		for (JsonNode each : templates()) {
			assertThat(each.path("parameters").propertyNames())
				.containsAll(references(withoutNestedTemplates(each), "parameters"));
			assertThat(each.path("variables").propertyNames())
				.containsAll(references(withoutNestedTemplates(each), "variables"));
		}
		assertThat(references(template, "parameters")).contains("serverName", "signInIssuer");
	}

	@Test
	void containerWhenConfiguredThenEveryEnvironmentNameBinds() {
		List<String> names = environment().keySet().stream().toList();

		assertThat(names).contains("ACS_ENDPOINT", "SPRING_DATASOURCE_URL",
				"SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI", "TOKENSERVICE_SIGNIN_CORSALLOWEDORIGINS");
		assertThat(DeploymentSettings.unboundEnvironmentNames(names)).isEmpty();
	}

	@Test
	void secondAcsResourceWhenGivenThenItsSettingsBind() {
		String expression = environment().get("SPRING_APPLICATION_JSON").path("value").asString();
		Object settings = ArmExpression.evaluate(expression, template);
		List<String> names = new ArrayList<>();
		ArmExpression.flatten("", settings, names);

		assertThat(names).contains("acs.resources.eu.endpoint", "acs.assignment.claim", "acs.assignment.resources.eu",
				"acs.assignment.default-resource");
		assertThat(DeploymentSettings.unboundPropertyNames(names)).isEmpty();
		// Without a second resource the document is empty: nothing is configured.
		assertThat(expression).endsWith(", '{}')]").startsWith("[if(variables('hasSecondAcs'), ");
	}

	@Test
	void containerWhenProbedThenPathsAndPortAreTheServicesAndAsPatientAsKubernetes() {
		Map<String, String> paths = DeploymentSettings.probePaths(application);
		Map<String, Object> kubernetes = KubernetesManifestTests.container();

		for (JsonNode probe : container().path("probes")) {
			String type = probe.path("type").asString().toLowerCase();
			assertThat(probe.at("/httpGet/path").asString()).as(type).isEqualTo(paths.get(type));
			assertThat(probe.at("/httpGet/port").asInt()).as(type)
				.isEqualTo(DeploymentSettings.serverPort(application));
			Map<String, Object> same = KubernetesManifestTests.map(kubernetes, type + "Probe");
			if (type.equals("startup")) {
				assertThat(probe.path("periodSeconds").asInt() * probe.path("failureThreshold").asInt())
					.as("how long start-up may take")
					.isGreaterThanOrEqualTo(
							(Integer) same.get("periodSeconds") * (Integer) same.get("failureThreshold"));
			}
			else {
				assertThat(probe.path("periodSeconds").asInt()).as(type).isEqualTo(same.get("periodSeconds"));
				assertThat(probe.path("timeoutSeconds").asInt()).as(type).isEqualTo(same.get("timeoutSeconds"));
				assertThat(probe.path("failureThreshold").asInt()).as(type).isEqualTo(same.get("failureThreshold"));
			}
		}
		assertThat(container().path("probes").findValuesAsString("type")).containsExactlyInAnyOrder("Startup",
				"Liveness", "Readiness");
		assertThat(environment().get("SERVER_ADDRESS").path("value").asString()).isEqualTo("0.0.0.0");
	}

	@Test
	void ingressWhenExposedThenExternalHttpsOnlyToTheServicesPort() {
		JsonNode ingress = containerApp().at("/properties/configuration/ingress");

		assertThat(ingress.path("external").asBoolean()).isTrue();
		assertThat(ingress.path("allowInsecure").isBoolean()).isTrue();
		assertThat(ingress.path("allowInsecure").asBoolean()).isFalse();
		assertThat(ingress.path("targetPort").asInt()).isEqualTo(DeploymentSettings.serverPort(application));
		assertThat(ingress.has("corsPolicy")).as("CORS is the service's, from one setting").isFalse();
	}

	@Test
	void scaleWhenSetThenAtLeastTwoReplicasAndAnHttpRule() {
		JsonNode scale = containerApp().at("/properties/template/scale");

		assertThat(scale.path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
		assertThat(scale.path("minReplicas").asInt())
			.isEqualTo(KubernetesManifestTests.map(KubernetesManifestTests.manifest("HorizontalPodAutoscaler"), "spec")
				.get("minReplicas"));
		assertThat(template.at("/parameters/maxReplicas/minValue").asInt())
			.isGreaterThanOrEqualTo(scale.path("minReplicas").asInt());
		assertThat(scale.path("rules")).singleElement().satisfies((rule) -> assertThat(rule.has("http")).isTrue());
	}

	@Test
	void containerWhenSizedThenImagesJvmFlagsFit() throws IOException {
		DeploymentSettings.JvmMemoryFlags flags = DeploymentSettings.JvmMemoryFlags.fromDockerfile();
		long memory = DeploymentSettings.mebibytes(container().at("/resources/memory").asString());

		assertThat(flags.fit(memory)).as("heap of %d %% of %d MiB", flags.maxRamPercentage(), memory).isTrue();
		assertThat(flags.fit(256)).as("the check itself: too small a container fails").isFalse();
	}

	@Test
	void containerWhenStoppedThenGraceCoversShutdownPhase() {
		String phase = environment().get("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE").path("value").asString();

		assertThat(phase).matches("\\d+s");
		assertThat(containerApp().at("/properties/template/terminationGracePeriodSeconds").asInt())
			.isGreaterThan(Integer.parseInt(phase.replace("s", "")));
		assertThat(phase).isEqualTo(KubernetesManifestTests.map(KubernetesManifestTests.manifest("ConfigMap"), "data")
			.get("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE"));
	}

	@Test
	void datasourceWhenDatabaseSilentThenSocketTimeOutWithinTheRequestBoundAsInKubernetes() {
		String url = template.at("/variables/datasourceUrl").asString();

		assertThat(DeploymentSettings.socketTimeoutProblems(url, application)).isEmpty();
		assertThat(DeploymentSettings.socketTimeout(url))
			.isEqualTo(DeploymentSettings.socketTimeout(KubernetesManifestTests.datasourceUrl()));
	}

	@Test
	void logsWhenDeployedThenStructuredAsInTheImage() throws IOException {
		Matcher image = Pattern.compile("(?m)^ENV LOGGING_STRUCTURED_FORMAT_CONSOLE=(\\S+)$")
			.matcher(Files.readString(Path.of("Dockerfile")));

		assertThat(image.find()).isTrue();
		assertThat(environment().get("LOGGING_STRUCTURED_FORMAT_CONSOLE").path("value").asString())
			.isEqualTo(image.group(1));
	}

	@Test
	void secretsWhenDeployedThenNeitherInOutputsNorInPlainValues() {
		Map<String, JsonNode> environment = environment();

		assertThat(environment).doesNotContainKeys("ACS_CONNECTION_STRING", "SPRING_DATASOURCE_PASSWORD");
		environment.forEach((name, variable) -> {
			if (name.matches(".*(PASSWORD|SECRET|CONNECTION_?STRING|ACCESS_?KEY|_KEY).*")) {
				assertThat(variable.has("value")).as("%s: a secretRef, never a value", name).isFalse();
			}
		});
		assertThat(environment.get("SPRING_DATASOURCE_URL").path("value").asString())
			.doesNotContainIgnoringCase("password")
			.contains("variables('datasourceUrl')");
		assertThat(template.at("/variables/datasourceUrl").asString()).contains(
				"authenticationPluginClassName=com.azure.identity.extensions.jdbc.postgresql.AzurePostgresqlAuthenticationPlugin")
			.contains("sslmode=require");
		for (JsonNode output : template.path("outputs")) {
			assertThat(output.path("type").asString()).isNotIn("securestring", "secureObject");
			assertThat(output.path("value").asString())
				.doesNotContainPattern("(?i)list[A-Za-z]*\\(|secret|password|key");
		}
		for (JsonNode parameter : template.path("parameters")) {
			assertThat(parameter.path("type").asString()).isNotIn("securestring", "secureObject");
		}
		JsonNode server = resource("Microsoft.DBforPostgreSQL/flexibleServers");
		assertThat(server.at("/properties/authConfig/passwordAuth").asString()).isEqualTo("Disabled");
		assertThat(server.at("/properties").has("administratorLoginPassword")).isFalse();
		assertThat(server.at("/properties/network/publicNetworkAccess").asString()).isEqualTo("Disabled");
	}

	@Test
	void outputsWhenDeployedThenNameTheServiceTheAcsResourceAndTheIdentity() {
		assertThat(template.path("outputs").propertyNames()).contains("serviceUrl", "acsResourceId",
				"identityClientId");
		assertThat(template.at("/outputs/serviceUrl/value").asString()).startsWith("[format('https://{0}'");
	}

	@Test
	void identityWhenAssignedThenTheAppsAndTheAcsResourcesContributor() {
		JsonNode identity = containerApp().path("identity");

		assertThat(identity.path("type").asString()).isEqualTo("UserAssigned");
		assertThat(environment().get("AZURE_CLIENT_ID").path("value").asString()).contains(".clientId");
		assertThat(resources().stream()
			.filter((each) -> "Microsoft.Authorization/roleAssignments".equals(each.path("type").asString())))
			.hasSize(2)
			.allSatisfy((assignment) -> assertThat(assignment.path("scope").asString())
				.startsWith("[format('Microsoft.Communication/communicationServices/{0}'"));
		// Contributor, as docs/configuration.md says for ACS_ENDPOINT.
		assertThat(template.at("/variables/contributorRoleId").asString())
			.contains("b24988ac-6180-42a0-ab88-20f7382dd24c");
	}

	@Test
	void imageWhenDefaultThenWhatTheWorkflowPublishesOnATag() throws IOException {
		String image = template.at("/parameters/image/defaultValue").asString();
		String workflow = Files.readString(IMAGE_WORKFLOW);

		assertThat(image).matches("ghcr\\.io/[a-z0-9-]+/acs-token-service:\\d+\\.\\d+\\.\\d+");
		assertThat(workflow).contains("tags: ['v*']")
			.contains("ghcr.io/${GITHUB_REPOSITORY_OWNER,,}/acs-token-service")
			.contains("${GITHUB_REF_NAME#v}");
	}

	private static List<JsonNode> templates() {
		List<JsonNode> templates = new ArrayList<>(List.of(template));
		for (JsonNode resource : template.path("resources")) {
			if (isDeployment(resource)) {
				assertThat(resource.at("/properties/expressionEvaluationOptions/scope").asString()).isEqualTo("Inner");
				templates.add(resource.at("/properties/template"));
			}
		}
		return templates;
	}

	private static boolean isDeployment(JsonNode resource) {
		return "Microsoft.Resources/deployments".equals(resource.path("type").asString());
	}

	private static List<JsonNode> resources() {
		List<JsonNode> resources = new ArrayList<>();
		for (JsonNode each : templates()) {
			each.path("resources").forEach(resources::add);
		}
		return resources;
	}

	private static JsonNode resource(String type) {
		List<JsonNode> found = resources().stream()
			.filter((resource) -> type.equals(resource.path("type").asString()))
			.toList();
		assertThat(found).as("one %s", type).hasSize(1);
		return found.get(0);
	}

	private static JsonNode containerApp() {
		return resource("Microsoft.App/containerApps");
	}

	private static JsonNode container() {
		JsonNode containers = containerApp().at("/properties/template/containers");
		assertThat(containers).hasSize(1);
		return containers.get(0);
	}

	private static Map<String, JsonNode> environment() {
		Map<String, JsonNode> environment = new LinkedHashMap<>();
		for (JsonNode variable : container().path("env")) {
			assertThat(environment.put(variable.path("name").asString(), variable)).as("set once").isNull();
		}
		return environment;
	}

	private static JsonNode withContainerApp(JsonNode app) {
		ObjectNode copy = (ObjectNode) template.deepCopy();
		for (int i = 0; i < copy.path("resources").size(); i++) {
			if (copy.path("resources").get(i).path("type").asString().equals("Microsoft.App/containerApps")) {
				copy.withArray("resources").set(i, app);
			}
		}
		return copy;
	}

	private static JsonNode withoutNestedTemplates(JsonNode each) {
		ObjectNode copy = (ObjectNode) each.deepCopy();
		for (JsonNode resource : copy.path("resources")) {
			if (isDeployment(resource)) {
				((ObjectNode) resource.path("properties")).remove("template");
			}
		}
		return copy;
	}

	/**
	 * The names of the given kind that a template's expressions (keys and values) refer
	 * to.
	 */
	private static Set<String> references(JsonNode node, String kind) {
		Set<String> names = new LinkedHashSet<>();
		Matcher reference = REFERENCE.matcher(node.toString());
		while (reference.find()) {
			if (reference.group(1).equals(kind)) {
				names.add(reference.group(2));
			}
		}
		return names;
	}

}
