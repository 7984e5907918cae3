package org.acstokenservice;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.AcsTokenServiceApplication;
import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A production-like instance (JWT users, ACS over HTTPS through the SDK, PostgreSQL)
 * whose PostgreSQL is stopped and started again: while it is down, requests that need it
 * get {@code 503 database_unavailable} with {@code Retry-After} within seconds (not after
 * the pool's default 30 s), readiness says DOWN within a probe's time-out and liveness
 * stays UP; once it is back, nothing was lost or doubled.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class DatabaseOutageTests {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseOutageTests.class);

	/** About 2 s are wanted; room for a loaded two-core build machine. */
	private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);

	@TempDir
	Path temp;

	@Test
	void requestsWhenDatabaseStoppedThenDatabaseUnavailableQuicklyAndRecoveredWhenStartedAgain(CapturedOutput output)
			throws Exception {
		String password = "db-" + UUID.randomUUID();
		int port = freePort();
		Path dataDirectory = this.temp.resolve("pgdata");
		TestJwtIssuer issuer = TestJwtIssuer.shared();
		EmbeddedPostgres postgres = startPostgres(port, dataDirectory);
		try (AcsEmulator acs = AcsEmulator.start(AcsEmulatorSettings.inMemory());
				ConfigurableApplicationContext service = start(postgres, acs, issuer, password)) {
			ServiceClient client = new ServiceClient(((WebServerApplicationContext) service).getWebServer().getPort(),
					(user) -> "Bearer " + issuer.token(user));
			HttpResponse<String> before = client.post("/token", "alice", null);
			assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
			String aliceIdentity = ServiceClient.json(before).path("user").path("communicationUserId").asString();

			/*
			 * Hikari hands out a connection used in the last 500 ms without checking it.
			 * Were the audit writer to batch on such a connection, closed by the stop,
			 * the driver's own assert in BatchResultHandler (on under -ea, in tests only)
			 * would throw an AssertionError that ends the writer's thread. Production
			 * runs without -ea and gets a SQLException, which the writer retries.
			 */
			Thread.sleep(600);
			postgres.close();
			/*
			 * Refused before the database is needed: a clear 4xx at once. Its audit event
			 * meets the outage in the writer, which tries again every second.
			 */
			HttpResponse<String> notAllowed = timed("scope not allowed",
					() -> client.post("/token", "alice", "{\"scopes\":[\"voip\"]}"));
			assertThat(notAllowed.statusCode()).as(notAllowed.body()).isEqualTo(403);
			assertThat(ServiceClient.json(notAllowed).path("code").asString()).isEqualTo("scope_not_allowed");

			assertDatabaseUnavailable("known user", () -> client.post("/token", "alice", null));
			assertDatabaseUnavailable("new user", () -> client.post("/token", "carol", null));
			assertDatabaseUnavailable("revoke", () -> client.post("/token/revoke", "alice", null));
			/*
			 * Failed sign-ins are counted in the database: an address's local share (one
			 * of the ten) is counted here and told later; beyond it the address is
			 * refused from memory until the database says otherwise, as it always is.
			 */
			HttpResponse<String> counted = timed("failed sign-in, within the local share",
					() -> client.postWithToken("/token", issuer.tokenSignedByOtherKey("mallory"), null));
			assertThat(counted.statusCode()).as(counted.body()).isEqualTo(401);
			HttpResponse<String> refused = timed("failed sign-in, beyond the local share",
					() -> client.postWithToken("/token", issuer.tokenSignedByOtherKey("mallory"), null));
			assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
			assertThat(service.getBean(MeterRegistry.class).get("acs.database.unavailable").counter().count())
				.as("acs_database_unavailable_total, for the alert")
				.isEqualTo(3);
			HttpResponse<String> readiness = timed("readiness", () -> client.get("/actuator/health/readiness", null));
			assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
			assertThat(readiness.body()).contains("DOWN");
			HttpResponse<String> liveness = timed("liveness", () -> client.get("/actuator/health/liveness", null));
			assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);

			postgres = startPostgres(port, dataDirectory);
			awaitReady(client);

			// The shared buckets' own pool may take a moment longer than the main one.
			HttpResponse<String> after = firstSuccess(() -> client.post("/token", "alice", null));
			assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
			assertThat(ServiceClient.json(after).path("user").path("communicationUserId").asString())
				.as("the same identity: nothing lost")
				.isEqualTo(aliceIdentity);
			HttpResponse<String> carol = client.post("/token", "carol", null);
			assertThat(carol.statusCode()).as(carol.body()).isEqualTo(200);
			JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
			assertThat(jdbc.sql("select count(*) from acs_identity").query(Long.class).single())
				.as("alice and carol, once each")
				.isEqualTo(2);
			assertThat(acs.liveIdentityCount()).as("nothing doubled at ACS").isEqualTo(2);
			awaitAuditRow(jdbc,
					"select count(*) from audit_event where actor = 'alice' and reason = 'scope_not_allowed'");
		}
		finally {
			postgres.close();
		}
	}

	private static void assertDatabaseUnavailable(String what, Supplier<HttpResponse<String>> request) {
		HttpResponse<String> response = timed(what, request);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		assertThat(ServiceClient.json(response).path("code").asString()).isEqualTo("database_unavailable");
		assertThat(response.body()).doesNotContain("postgres").doesNotContain("jdbc:").doesNotContain("Exception");
	}

	private static HttpResponse<String> timed(String what, Supplier<HttpResponse<String>> request) {
		long start = System.nanoTime();
		HttpResponse<String> response = request.get();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		logger.info("Database stopped: {} answered {} in {} ms", what, response.statusCode(), took.toMillis());
		assertThat(took).as(what + " answered within " + ANSWER_BOUND).isLessThan(ANSWER_BOUND);
		return response;
	}

	private static HttpResponse<String> firstSuccess(Supplier<HttpResponse<String>> request)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		HttpResponse<String> response = request.get();
		while (response.statusCode() == 503 && System.nanoTime() < deadline) {
			Thread.sleep(200);
			response = request.get();
		}
		return response;
	}

	private static void awaitReady(ServiceClient client) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (client.get("/actuator/health/readiness", null).statusCode() != 200) {
			assertThat(System.nanoTime()).as("ready again after the database came back").isLessThan(deadline);
			Thread.sleep(200);
		}
	}

	/** The audit writer retries its batch every second until the database takes it. */
	private static void awaitAuditRow(JdbcClient jdbc, String count) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (jdbc.sql(count).query(Long.class).single() == 0) {
			assertThat(System.nanoTime()).as("the audit event queued during the outage is written")
				.isLessThan(deadline);
			Thread.sleep(200);
		}
		assertThat(jdbc.sql(count).query(Long.class).single()).as("written once").isEqualTo(1);
	}

	private static EmbeddedPostgres startPostgres(int port, Path dataDirectory) throws IOException {
		return EmbeddedPostgres.builder()
			.setPort(port)
			.setDataDirectory(dataDirectory)
			.setCleanDataDirectory(false)
			.start();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** The embedded PostgreSQL trusts local connections: any password signs in. */
	private static ConfigurableApplicationContext start(EmbeddedPostgres postgres, AcsEmulator acs,
			TestJwtIssuer issuer, String password) {
		return new SpringApplicationBuilder(AcsTokenServiceApplication.class).initializers(issuer::applyTo)
			.run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
					"--acs.connection-string=" + acs.connectionString(),
					"--acs.trusted-certificate=" + acs.certificateFile(),
					"--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
					"--spring.datasource.username=postgres", "--spring.datasource.password=" + password);
	}

}
