package org.acstokenservice;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.acstokenservice.emulator.AcsOperation;
import org.acstokenservice.emulator.Fault;
import org.acstokenservice.emulator.LimitSettings;
import org.acstokenservice.identity.IdentityDeletions;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.ServiceProcess;
import org.acstokenservice.testsupport.TestJwtIssuer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance killed without warning (SIGKILL: an OOM kill, a node lost) under load, two
 * others on the same PostgreSQL and ACS serving on: every token that ACS issued and an
 * instance answered has its audit row, the survivors answer no 5xx, and an erasure that
 * the killed instance had claimed is completed by another.
 */
@IntegrationTest
class InstanceKilledTests {

	private static Fleet fleet;

	private static Process victim;

	private static Path log;

	@BeforeAll
	static void start() throws Exception {
		// Neither the fleet's ACS budget nor ACS's limits are what this test is about.
		fleet = Fleet.start(AcsEmulatorSettings.inMemory().withLimits(LimitSettings.off()),
				List.of(Duration.ZERO, Duration.ZERO), "token-service.policy.rate-limit.capacity=100000",
				"acs.budget.enabled=false", "token-service.identity.deletion-retry-interval=1h");
		int port = ServiceProcess.freePort();
		log = Files.createTempFile("instance-killed-", ".log");
		victim = new ProcessBuilder(command(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		ServiceProcess.awaitReady(new ServiceClient(port), victim, log, Duration.ofSeconds(120));
		victimClient = new ServiceClient(port, fleet.users()::authorization);
	}

	private static ServiceClient victimClient;

	@AfterAll
	static void stop() {
		if (victim != null) {
			victim.destroyForcibly();
		}
		if (fleet != null) {
			fleet.close();
		}
	}

	@Test
	void killWhenUnderLoadThenEveryAnsweredTokenAuditedSurvivorsServeAndClaimedErasureCompleted() throws Exception {
		List<ServiceClient> clients = List.of(fleet.instance(0).client(), fleet.instance(1).client(), victimClient);
		List<String> regulars = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			regulars.add(fleet.users().standard("regular-"));
		}
		// An erasure on the victim, held at ACS (each try, until the SDK gives up on it)
		// while it is killed: its deletion is claimed.
		String erased = fleet.users().standard("erased-");
		assertThat(victimClient.post("/token", erased, null).statusCode()).isEqualTo(200);
		String erasedIdentity = ServiceClient.json(victimClient.get("/identity", erased))
			.path("communicationUserId")
			.asString();
		fleet.acs().faults().injectNext(10, AcsOperation.DELETE, Fault.latency(Duration.ofSeconds(30)));

		Map<String, Set<String>> tokensByUser = new ConcurrentHashMap<>();
		List<String> survivorFailures = new CopyOnWriteArrayList<>();
		AtomicInteger answered = new AtomicInteger();
		Map<String, AtomicInteger> answersByUser = new ConcurrentHashMap<>();
		AtomicBoolean loading = new AtomicBoolean(true);
		AtomicBoolean killed = new AtomicBoolean();
		ExecutorService load = Executors.newFixedThreadPool(13);
		try {
			for (int thread = 0; thread < 12; thread++) {
				int t = thread;
				load.submit(() -> {
					for (int n = 0; loading.get(); n++) {
						int instance = (t + n) % 3;
						// Half page reloads (token reused), half new users.
						String user = (n % 2 == 0) ? regulars.get((t + n) % regulars.size())
								: fleet.users().standard("new-");
						try {
							HttpResponse<String> response = clients.get(instance).post("/token", user, null);
							if (response.statusCode() == 200) {
								answered.incrementAndGet();
								answersByUser.computeIfAbsent(user, (u) -> new AtomicInteger()).incrementAndGet();
								tokensByUser.computeIfAbsent(user, (u) -> ConcurrentHashMap.newKeySet())
									.add(ServiceClient.json(response).path("token").asString());
							}
							else if (instance < 2 && response.statusCode() >= 500) {
								survivorFailures.add(response.statusCode() + " " + response.body());
							}
						}
						catch (RuntimeException ex) {
							if (instance < 2 || !killed.get()) {
								survivorFailures.add(ex.toString());
							}
						}
					}
					return null;
				});
			}
			Thread.sleep(2000);
			load.submit(() -> victimClient.send(victimClient.request("/identity", erased).DELETE().build()));
			Thread.sleep(1000);

			/*
			 * The database is slow to take audit rows when the instance dies: what it
			 * answers meanwhile is what an instance that answers first and writes later
			 * would lose. The survivors wait for their rows and are answered after.
			 */
			try (Connection slow = fleet.dataSource().getConnection()) {
				slow.setAutoCommit(false);
				try (Statement lock = slow.createStatement()) {
					lock.execute("lock table audit_event in share row exclusive mode");
				}
				Thread.sleep(400);
				victim.destroyForcibly();
				killed.set(true);
				assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
				slow.rollback();
			}
			Thread.sleep(2000);
		}
		finally {
			loading.set(false);
			load.shutdown();
			assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		}

		assertThat(answered.get()).as("tokens answered").isGreaterThan(100);
		assertThat(survivorFailures).as("what the survivors answered").isEmpty();
		Map<String, Long> freshRows = issuesByUser("fresh");
		for (Map.Entry<String, Set<String>> user : tokensByUser.entrySet()) {
			assertThat(freshRows.getOrDefault(user.getKey(), 0L))
				.as("audit rows of tokens ACS issued to %s, against the tokens answered", user.getKey())
				.isGreaterThanOrEqualTo(user.getValue().size());
		}

		/*
		 * What the killed instance was allowed to lose: the counts of reuse hits (a token
		 * handed back again is an answer beyond the user's distinct tokens) since its
		 * last flush. The figure docs/audit.md gives.
		 */
		Map<String, Long> reusedRows = reuseCountsByUser();
		long reuseHits = 0;
		long unrecorded = 0;
		for (Map.Entry<String, Set<String>> user : tokensByUser.entrySet()) {
			long hits = answersByUser.get(user.getKey()).get() - user.getValue().size();
			reuseHits += hits;
			unrecorded += Math.max(0, hits - reusedRows.getOrDefault(user.getKey(), 0L));
		}
		System.out.printf("Reuse hits answered: %d, not counted in the trail after the kill: %d%n", reuseHits,
				unrecorded);
		assertThat(unrecorded).isLessThanOrEqualTo(reuseHits);

		// The killed instance's claim runs out: five minutes, moved on in the database.
		assertThat(fleet.database()
			.sql("update pending_acs_deletion set next_attempt_at = current_timestamp - interval '1' second "
					+ "where communication_user_id = ?")
			.param(erasedIdentity)
			.update()).as("the erasure's deletion, still pending").isOne();
		fleet.acs().faults().clear();
		assertThat(fleet.instance(1).bean(IdentityDeletions.class).retryPendingDeletions()).isOne();
		assertThat(fleet.acs().identityExists(erasedIdentity)).isFalse();
	}

	/** The reuse hits that TOKEN_REUSE rows count, by subject. */
	private static Map<String, Long> reuseCountsByUser() {
		return fleet.database()
			.sql("select subject, sum(occurrences) as hits from audit_event where action = 'TOKEN_REUSE' group by subject")
			.query((rs, row) -> Map.entry(rs.getString("subject"), rs.getLong("hits")))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	/** TOKEN_ISSUE rows by subject, of tokens fresh from ACS. */
	private static Map<String, Long> issuesByUser(String kind) {
		return fleet.database()
			.sql("select subject, count(*) as issued from audit_event where action = 'TOKEN_ISSUE' "
					+ "and outcome = 'SUCCESS' and detail like ? group by subject")
			.param("% " + kind)
			.query((rs, row) -> Map.entry(rs.getString("subject"), rs.getLong("issued")))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	private static List<String> command(int port) {
		return ServiceProcess.command(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--spring.datasource.url=" + fleet.jdbcUrl(), "--spring.datasource.username=postgres",
				"--spring.datasource.password=postgres", "--acs.connection-string=" + fleet.acs().connectionString(),
				"--acs.trusted-certificate=" + fleet.acs().certificateFile(),
				"--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + TestJwtIssuer.shared().jwkSetUri(),
				"--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER,
				"--spring.security.oauth2.resourceserver.jwt.audiences=" + TestJwtIssuer.AUDIENCE,
				"--token-service.policy.rate-limit.capacity=100000", "--acs.budget.enabled=false",
				"--token-service.identity.deletion-retry-interval=1h"));
	}

}
