package org.acstokenservice;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestUsers;
import org.acstokenservice.testsupport.JwtServiceTest;

import static org.acstokenservice.KubernetesManifestTests.list;
import static org.acstokenservice.KubernetesManifestTests.loadAll;
import static org.acstokenservice.KubernetesManifestTests.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules of {@code deploy/prometheus}: valid for Prometheus and unit-tested with
 * promtool (when it is on the {@code PATH}: Debian's {@code prometheus} package), the
 * same in the rules file and the PrometheusRule, each with its severity, summary and
 * runbook, each unit-tested both ways, and written, like the Grafana dashboard of
 * {@code deploy/grafana}, in the metric names that the running service exposes.
 */
@JwtServiceTest
class AlertRulesTests {

	static final Path RULES = Path.of("deploy/prometheus/acs-token-service.rules.yaml");

	static final Path PROMETHEUS_RULE = Path.of("deploy/prometheus/prometheusrule.yaml");

	static final Path UNIT_TESTS = Path.of("src/test/prometheus/alerts-test.yaml");

	static final Path RUNBOOKS = Path.of("docs/operations.md");

	static final Path DASHBOARD = Path.of("deploy/grafana/acs-token-service.json");

	/** The service's own metric names, as they appear in an expression. */
	private static final Pattern METRIC = Pattern.compile("\\b((?:acs|hikaricp|resilience4j)_[a-z0-9_]+)\\b");

	/**
	 * Registered only where the service runs on PostgreSQL (the change feed, the shared
	 * buckets), which this local-mode context does not.
	 */
	private static final Set<String> POSTGRESQL_ONLY = Set.of("acs_fleet_changes_delay_seconds",
			"acs_fleet_bucket_failures_total", "acs_fleet_bucket_busy_total");

	/**
	 * Registered by the audit writer of the main line, which this branch does not have
	 * yet: to be removed once the two are merged.
	 */
	private static final Set<String> NOT_YET_MERGED = Set.of("acs_audit_queue");

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Test
	void rulesWhenCheckedByPromtoolThenValid() throws Exception {
		assertPromtoolPasses("check", "rules", RULES.toString());
	}

	@Test
	void alertsWhenUnitTestedByPromtoolThenEachFiresOnItsConditionOnly() throws Exception {
		assertPromtoolPasses("test", "rules", UNIT_TESTS.toString());
	}

	@Test
	void prometheusRuleWhenComparedWithRulesFileThenSameGroups() throws IOException {
		Map<String, Object> rules = loadAll(RULES).get(0);
		Map<String, Object> prometheusRule = loadAll(PROMETHEUS_RULE).get(0);

		assertThat(prometheusRule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
		assertThat(prometheusRule.get("kind")).isEqualTo("PrometheusRule");
		assertThat(map(prometheusRule, "spec").get("groups")).isEqualTo(rules.get("groups"));
	}

	@Test
	void alertsWhenDefinedThenSeveritySummaryAndARunbookInTheDocs() throws IOException {
		String runbooks = Files.readString(RUNBOOKS);

		assertThat(alerts()).isNotEmpty().allSatisfy((alert) -> {
			String name = (String) alert.get("alert");
			assertThat(name).startsWith("AcsTokenService");
			assertThat(map(alert, "labels").get("severity")).as(name).isIn("critical", "warning");
			Map<String, Object> annotations = map(alert, "annotations");
			assertThat(annotations).as(name).containsKeys("summary", "description");
			assertThat(annotations.get("runbook_url")).as(name).isEqualTo("docs/operations.md#" + name.toLowerCase());
			assertThat(runbooks).as("a runbook section for " + name).containsPattern("(?m)^## " + name + "$");
			assertThat(alert.get("for")).as(name).isNotNull();
		});
	}

	@Test
	void alertsWhenUnitTestedThenEachBothFiresAndStaysSilent() throws IOException {
		List<Map<String, Object>> checks = list(loadAll(UNIT_TESTS).get(0), "tests").stream()
			.flatMap((test) -> list(test, "alert_rule_test").stream())
			.toList();

		for (Map<String, Object> alert : alerts()) {
			String name = (String) alert.get("alert");
			List<List<Object>> expected = checks.stream()
				.filter((check) -> name.equals(check.get("alertname")))
				.map((check) -> KubernetesManifestTests.<List<Object>>cast(check.get("exp_alerts")))
				.toList();
			assertThat(expected).as("a test where %s fires", name)
				.anySatisfy((alerts) -> assertThat(alerts).isNotEmpty());
			assertThat(expected).as("a test where %s stays silent", name)
				.anySatisfy((alerts) -> assertThat(alerts).isEmpty());
		}
	}

	@Test
	void alertsWhenWrittenThenUseMetricsTheServiceExposes() throws IOException {
		List<String> expressions = alerts().stream().map((alert) -> (String) alert.get("expr")).toList();

		Set<String> used = metricNames(expressions);

		assertThat(used).contains("acs_database_unavailable_total", "acs_identity_provider_unavailable_total",
				"acs_identity_deletions_oldest_seconds");
		assertExposed(used);
	}

	@Test
	void dashboardWhenWrittenThenUsesMetricsTheServiceExposes() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		List<String> expressions = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				expressions.add(target.path("expr").asString());
			}
		}

		assertThat(expressions).hasSizeGreaterThan(10);
		assertExposed(metricNames(expressions));
	}

	private void assertExposed(Set<String> used) {
		// One token, so that the ACS calls' timer exists.
		assertThat(this.client.post("/token", this.users.standard(), null).statusCode()).isEqualTo(200);
		HttpResponse<String> scrape = this.client.get("/actuator/prometheus", this.users.admin());
		assertThat(scrape.statusCode()).isEqualTo(200);
		Set<String> exposed = scrape.body()
			.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toSet());

		assertThat(used).isNotEmpty().allSatisfy((name) -> {
			if (!POSTGRESQL_ONLY.contains(name) && !NOT_YET_MERGED.contains(name)) {
				assertThat(exposed).as("/actuator/prometheus").contains(name);
			}
		});
	}

	private static Set<String> metricNames(List<String> expressions) {
		Set<String> names = new TreeSet<>();
		for (String expression : expressions) {
			Matcher metric = METRIC.matcher(expression);
			while (metric.find()) {
				names.add(metric.group(1));
			}
		}
		return names;
	}

	private static List<Map<String, Object>> alerts() throws IOException {
		return list(loadAll(RULES).get(0), "groups").stream()
			.flatMap((group) -> list(group, "rules").stream())
			.filter((rule) -> rule.containsKey("alert"))
			.toList();
	}

	/** Runs promtool, or skips the test where it is not installed. */
	private static void assertPromtoolPasses(String... arguments) throws IOException, InterruptedException {
		assumeTrue(onPath("promtool"), "promtool is not on the PATH (Debian: apt-get install prometheus)");
		List<String> command = new ArrayList<>(List.of("promtool"));
		command.addAll(Arrays.asList(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
	}

	private static boolean onPath(String program) {
		String path = System.getenv("PATH");
		return path != null && Arrays.stream(path.split(File.pathSeparator))
			.anyMatch((directory) -> Files.isExecutable(Path.of(directory, program)));
	}

}
