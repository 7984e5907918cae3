package org.acstokenservice;

import java.net.http.HttpResponse;
import java.util.List;

import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestUsers;
import org.acstokenservice.audit.AuditEvent;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.emulator.AcsEmulator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** What ops see: health groups and details, metrics, build info and the audit trail. */
@JwtServiceTest
class OperationsTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Autowired
	AuditTrail audit;

	@Autowired
	AcsEmulator emulator;

	@Test
	void healthWhenNoCredentialsThenUp() {
		HttpResponse<String> response = this.client.get("/actuator/health", null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(response).path("status").asString()).isEqualTo("UP");
		assertThat(this.client.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(this.client.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
	}

	@Test
	void actuatorWhenNoCredentialsThenUnauthorized() {
		assertProblem(this.client.get("/actuator/prometheus", null), 401, "unauthorized");
		assertProblem(this.client.get("/actuator/info", null), 401, "unauthorized");
	}

	@Test
	void healthWhenAnonymousThenStatusOnlyAndWhenAdminThenDatabaseAndCircuitBreaker() {
		JsonNode anonymous = ServiceClient.json(this.client.get("/actuator/health", null));
		JsonNode admin = ServiceClient.json(this.client.get("/actuator/health", this.users.admin()));

		assertThat(anonymous.path("status").asString()).isEqualTo("UP");
		assertThat(anonymous.has("components")).isFalse();
		assertThat(admin.path("components").path("db").path("status").asString()).isEqualTo("UP");
		assertThat(admin.path("components").path("acs").path("details").path("circuitBreaker").asString())
			.isEqualTo("CLOSED");
		JsonNode acs = admin.path("components").path("acs").path("details");
		assertThat(acs.path("endpoint").asString()).isEqualTo(this.emulator.endpoint().toString());
		assertThat(acs.path("credential").asString()).isEqualTo("access-key");
	}

	@Test
	void readinessWhenAdminThenDatabaseButNotAcs() {
		JsonNode readiness = ServiceClient.json(this.client.get("/actuator/health/readiness", this.users.admin()));

		assertThat(readiness.path("status").asString()).isEqualTo("UP");
		assertThat(readiness.path("components").has("db")).isTrue();
		assertThat(readiness.path("components").has("acs")).isFalse();
	}

	@Test
	void prometheusWhenTokensIssuedAndDeniedThenMetricsByOutcome() {
		String alice = this.users.standard();
		this.client.post("/token", alice, null);
		this.client.post("/token", alice, null);
		this.client.post("/token", this.users.basic(), "{\"scopes\":[\"voip\"]}");

		HttpResponse<String> response = this.client.get("/actuator/prometheus", this.users.admin());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).containsPattern("acs_tokens_total\\{[^}]*outcome=\"issued\"[^}]*tier=\"standard\"")
			.containsPattern("acs_tokens_total\\{[^}]*outcome=\"denied\",reason=\"scope_not_allowed\",tier=\"basic\"")
			.containsPattern("acs_calls_seconds_count\\{[^}]*operation=\"createIdentity\",outcome=\"success\"")
			.contains("acs_identities_total{event=\"created\"")
			.contains("acs_token_reuse_total{result=\"hit\"")
			.contains("resilience4j_circuitbreaker_state{")
			.contains("acs_audit_events_total{");
	}

	@Test
	void infoWhenAdminThenBuildInfo() {
		JsonNode info = ServiceClient.json(this.client.get("/actuator/info", this.users.admin()));

		assertThat(info.path("build").path("artifact").asString()).isEqualTo("acs-token-service");
	}

	@Test
	void auditWhenIssuedDeniedAndRevokedThenRecordedWithoutTokenValues() {
		String user = this.users.basic();
		HttpResponse<String> issued = this.client.post("/token", user, null);
		this.client.post("/token", user, "{\"scopes\":[\"voip\"]}");
		this.client.post("/token/revoke", user, null);
		String token = ServiceClient.json(issued).path("token").asString();

		List<AuditEvent> events = this.audit.recent(user, 10);

		assertThat(events).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::reason)
			.contains(
					org.assertj.core.groups.Tuple.tuple(AuditEvent.Action.TOKEN_ISSUE, AuditEvent.Outcome.SUCCESS,
							null),
					org.assertj.core.groups.Tuple.tuple(AuditEvent.Action.TOKEN_ISSUE, AuditEvent.Outcome.DENIED,
							"scope_not_allowed"),
					org.assertj.core.groups.Tuple.tuple(AuditEvent.Action.TOKEN_REVOKE, AuditEvent.Outcome.SUCCESS,
							null));
		assertThat(events).allSatisfy((event) -> assertThat(event.toString()).doesNotContain(token));
		assertThat(events.get(events.size() - 1).communicationUserId()).startsWith("8:acs:");
	}

	@Test
	void metricsAndInfoWhenEndUserThenForbidden() {
		assertProblem(this.client.get("/actuator/prometheus", this.users.standard()), 403, "forbidden");
		assertProblem(this.client.get("/actuator/info", this.users.basic()), 403, "forbidden");
	}

	@Test
	void sensitiveActuatorEndpointsWhenAdminThenNotExposed() {
		String admin = this.users.admin();
		assertThat(this.client.get("/actuator/env", admin).statusCode()).isEqualTo(404);
		assertThat(this.client.get("/actuator/configprops", admin).statusCode()).isEqualTo(404);
		assertThat(this.client.get("/actuator/heapdump", admin).statusCode()).isEqualTo(404);
	}

}
