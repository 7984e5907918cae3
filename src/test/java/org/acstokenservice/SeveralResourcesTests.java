package org.acstokenservice;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several ACS resources, each an emulator of its own, behind a fleet of two instances on
 * one PostgreSQL, through the real SDK: the default resource ({@code acs.*}, region
 * {@code us}), {@code eu}, {@code lab} (a budget of its own, small) and {@code apac}
 * (stopped by one test). Users are assigned by the JWT claim {@code region}; a user
 * without one belongs to no resource.
 */
@IntegrationTest
class SeveralResourcesTests {

	private static final int LAB_BUDGET = 3;

	private static Fleet fleet;

	private static AcsEmulator eu;

	private static AcsEmulator lab;

	private static AcsEmulator apac;

	/** Each user's region claim, which a test may change: the user moves. */
	private static final Map<String, String> regions = new ConcurrentHashMap<>();

	private static final List<ServiceClient> clients = new ArrayList<>();

	private static final Set<String> admins = ConcurrentHashMap.newKeySet();

	@BeforeAll
	static void start() {
		eu = AcsEmulator.start(AcsEmulatorSettings.inMemory());
		lab = AcsEmulator.start(AcsEmulatorSettings.inMemory());
		apac = AcsEmulator.start(AcsEmulatorSettings.inMemory());
		List<String> properties = new ArrayList<>(
				List.of("acs.assignment.claim=region", "acs.assignment.resources.us=default",
						"acs.assignment.resources.eu=eu", "acs.assignment.resources.lab=lab",
						"acs.assignment.resources.apac=apac", "acs.resources.lab.budget.calls=" + LAB_BUDGET,
						"acs.resources.lab.budget.period=1h", "acs.client.max-retries=0"));
		properties.addAll(resource("eu", eu));
		properties.addAll(resource("lab", lab));
		properties.addAll(resource("apac", apac));
		fleet = Fleet.start(List.of(Duration.ZERO, Duration.ZERO), properties.toArray(String[]::new));
		for (Fleet.Instance instance : fleet.instances()) {
			int port = ((WebServerApplicationContext) instance.context()).getWebServer().getPort();
			clients.add(new ServiceClient(port, SeveralResourcesTests::authorization));
		}
	}

	private static List<String> resource(String name, AcsEmulator emulator) {
		return List.of("acs.resources." + name + ".connection-string=" + emulator.connectionString(),
				"acs.resources." + name + ".trusted-certificate=" + emulator.certificateFile());
	}

	@AfterAll
	static void stop() {
		if (fleet != null) {
			fleet.close();
		}
		for (AcsEmulator emulator : new AcsEmulator[] { eu, lab, apac }) {
			if (emulator != null) {
				emulator.close();
			}
		}
	}

	private static String authorization(String user) {
		String region = regions.get(user);
		return "Bearer " + TestJwtIssuer.shared().token(user, (claims) -> {
			if (region != null) {
				claims.claim("region", region);
			}
			if (admins.contains(user)) {
				claims.claim("roles", List.of("ADMIN"));
			}
		});
	}

	private static String user(String region) {
		String user = region + "-" + UUID.randomUUID();
		regions.put(user, region);
		return user;
	}

	private static String admin(String region) {
		String admin = user(region);
		admins.add(admin);
		return admin;
	}

	@Test
	void tokenWhenUsersOfEachResourceThenIdentityAndTokenFromTheirOwnOnEveryInstance() {
		String american = user("us");
		String european = user("eu");

		JsonNode us = token(0, american);
		JsonNode euToken = token(1, european);

		assertThat(communicationUserId(us)).startsWith("8:acs:" + fleet.acs().resourceId() + "_");
		assertThat(resourceIdOf(us)).isEqualTo(fleet.acs().resourceId());
		assertThat(communicationUserId(euToken)).startsWith("8:acs:" + eu.resourceId() + "_");
		assertThat(resourceIdOf(euToken)).isEqualTo(eu.resourceId());
		assertThat(eu.isTokenValid(euToken.path("token").asString())).isTrue();
		// The other instance finds the same identity in the same resource.
		assertThat(communicationUserId(token(1, american))).isEqualTo(communicationUserId(us));
		assertThat(communicationUserId(token(0, european))).isEqualTo(communicationUserId(euToken));
		JsonNode identity = ServiceClient.json(clients.get(0).get("/identity", european));
		assertThat(identity.path("resource").asString()).isEqualTo("eu");
		assertThat(fleet.database()
			.sql("select resource from audit_event where subject = ? and action = 'TOKEN_ISSUE'")
			.param(european)
			.query(String.class)
			.list()).isNotEmpty().containsOnly("eu");
		MeterRegistry meters = fleet.instance(1).bean(MeterRegistry.class);
		assertThat(meters.find("acs.calls").tag("resource", "eu").timers()).isNotEmpty();
	}

	@Test
	void tokenWhenClaimMapsToNoResourceThenForbiddenResourceNotAssigned() {
		String nowhere = user("mars");
		String unclaimed = "unclaimed-" + UUID.randomUUID();

		assertProblem(clients.get(0).post("/token", nowhere, null), 403, "resource_not_assigned");
		assertProblem(clients.get(1).post("/token", unclaimed, null), 403, "resource_not_assigned");
		assertProblem(clients.get(0).get("/identity", unclaimed), 403, "resource_not_assigned");
		assertThat(fleet.database()
			.sql("select count(*) from acs_identity where app_user_id in (?, ?)")
			.params(nowhere, unclaimed)
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void tokenWhenUserMovesThenIdentityInTheNewResourceAndErasureErasesBoth() {
		String traveller = user("us");
		String before = communicationUserId(token(0, traveller));

		regions.put(traveller, "eu");
		JsonNode moved = token(1, traveller);

		String after = communicationUserId(moved);
		assertThat(after).startsWith("8:acs:" + eu.resourceId() + "_").isNotEqualTo(before);
		assertThat(fleet.acs().identityExists(before)).as("the old identity stays until erased").isTrue();
		assertThat(
				ServiceClient.json(clients.get(0).get("/identity", traveller)).path("communicationUserId").asString())
			.isEqualTo(after);
		// Revocation acts in the current resource: the old identity's tokens are
		// untouched (a revocation raises the generation before the ACS call and after).
		assertThat(clients.get(0).post("/token/revoke", traveller, null).statusCode()).isEqualTo(204);
		assertThat(fleet.database()
			.sql("select resource, revocation_generation from acs_identity where app_user_id = ? order by resource")
			.param(traveller)
			.query((rs, row) -> rs.getString(1) + "=" + rs.getLong(2))
			.list()).containsExactly("default=0", "eu=2");

		HttpResponse<String> erased = clients.get(1)
			.send(clients.get(1).request("/identity", traveller).DELETE().build());

		assertThat(erased.statusCode()).as(erased.body()).isEqualTo(204);
		assertThat(fleet.acs().identityExists(before)).isFalse();
		assertThat(eu.identityExists(after)).isFalse();
		assertThat(fleet.database()
			.sql("select count(*) from acs_identity where app_user_id = ?")
			.param(traveller)
			.query(Long.class)
			.single()).isZero();
		assertThat(fleet.database()
			.sql("select count(*) from pending_acs_deletion where app_user_id = ?")
			.param(traveller)
			.query(Long.class)
			.single()).isZero();
	}

	/**
	 * Tenants: with one ACS resource per customer, a user of one customer may not learn
	 * who is behind an ACS identity of another customer's resource, either way round; an
	 * ACS identity cannot call across resources, so nothing is lost. Admins look across.
	 */
	@Test
	void lookUpWhenUserInAnotherResourceThenNotFoundBothWaysButForAnAdmin() {
		String american = user("us");
		String neighbour = user("us");
		String european = user("eu");
		String europeanAdmin = admin("eu");
		String americanIdentity = communicationUserId(token(0, american));
		token(0, neighbour);
		token(0, european);

		assertProblem(clients.get(1).get("/users/" + american + "/identity", european), 404, "not_found");
		assertProblem(clients.get(0).get("/identities/" + americanIdentity, european), 404, "not_found");
		assertThat(ServiceClient.json(clients.get(1).get("/users/" + american + "/identity", neighbour))
			.path("communicationUserId")
			.asString()).isEqualTo(americanIdentity);
		JsonNode caller = ServiceClient.json(clients.get(0).get("/identities/" + americanIdentity, neighbour));
		assertThat(caller.path("appUserId").asString()).isEqualTo(american);
		assertThat(caller.path("resource").asString()).isEqualTo("default");
		JsonNode seenByAdmin = ServiceClient.json(clients.get(1).get("/identities/" + americanIdentity, europeanAdmin));
		assertThat(seenByAdmin.path("appUserId").asString()).isEqualTo(american);
	}

	@Test
	void tokenWhenOneResourceDownThenItsUsers503OthersServedAndReadinessUp() {
		String asian = user("apac");
		String european = user("eu");
		token(0, asian);

		apac.close();

		HttpResponse<String> down = clients.get(0).post("/token", user("apac"), null);
		assertProblem(down, 503, "acs_unavailable");
		assertThat(down.headers().firstValue("Retry-After")).isPresent();
		token(1, european);
		token(0, user("us"));
		assertThat(clients.get(1).get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
	}

	@Test
	void tokenWhenOneResourceBudgetSpentThenItsNewUsers503AndOtherResourceStillServes() {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < LAB_BUDGET + 2; i++) {
			statuses.add(clients.get(i % 2).post("/token", user("lab"), null).statusCode());
		}

		assertThat(statuses.stream().filter((status) -> status == 200)).hasSize(LAB_BUDGET);
		assertThat(statuses.stream().filter((status) -> status == 503)).hasSize(2);
		for (int i = 0; i < LAB_BUDGET + 2; i++) {
			token(i % 2, user("eu"));
		}
	}

	private static JsonNode token(int instance, String user) {
		HttpResponse<String> response = clients.get(instance).post("/token", user, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return ServiceClient.json(response);
	}

	private static String communicationUserId(JsonNode token) {
		return token.path("user").path("communicationUserId").asString();
	}

	/** The {@code resourceId} claim of the ACS token, which names the resource. */
	private static String resourceIdOf(JsonNode token) {
		String payload = token.path("token").asString().split("\\.")[1];
		String json = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
		return JsonMapper.builder().build().readTree(json).path("resourceId").asString();
	}

}
