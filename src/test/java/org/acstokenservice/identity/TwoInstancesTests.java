package org.acstokenservice.identity;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.AcsTokenServiceApplication;
import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.acs.AcsConnectionDetails;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.acstokenservice.emulator.AcsOperation;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one PostgreSQL and one ACS (the emulator) see the first requests of
 * the same new user at the same moment: exactly one identity ends up mapped and alive at
 * ACS, and every answer carries it.
 */
class TwoInstancesTests {

	private static final int REQUESTS = 64;

	@Test
	void issueTokenWhenConcurrentFirstRequestsOnTwoInstancesThenOneIdentity() throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.start();
				AcsEmulator acs = AcsEmulator.start(AcsEmulatorSettings.inMemory());
				ConfigurableApplicationContext first = start(postgres, acs);
				ConfigurableApplicationContext second = start(postgres, acs)) {
			List<ServiceClient> instances = List.of(client(first), client(second));

			List<HttpResponse<String>> responses = fireAtOnce(instances);

			assertThat(responses)
				.allSatisfy((response) -> assertThat(response.statusCode()).as(response.body()).isEqualTo(200));
			List<String> identities = responses.stream()
				.map((response) -> ServiceClient.json(response).path("user").path("communicationUserId").asString())
				.distinct()
				.toList();
			assertThat(identities).hasSize(1);
			String identity = identities.get(0);
			JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
			assertThat(jdbc.sql("select communication_user_id from acs_identity where app_user_id = 'alice'")
				.query(String.class)
				.list()).containsExactly(identity);
			assertThat(acs.identityExists(identity)).isTrue();
			assertThat(acs.liveIdentityCount()).as("the losers deleted what they created").isEqualTo(1);
			assertThat(acs.requestCount(AcsOperation.CREATE_IDENTITY)).as("one creation per instance at most")
				.isBetween(1L, 2L);
		}
	}

	private static List<HttpResponse<String>> fireAtOnce(List<ServiceClient> instances) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
		try {
			CountDownLatch gate = new CountDownLatch(1);
			List<Future<HttpResponse<String>>> futures = new ArrayList<>();
			for (int i = 0; i < REQUESTS; i++) {
				ServiceClient instance = instances.get(i % instances.size());
				futures.add(pool.submit(() -> {
					gate.await();
					return instance.post("/token", "alice", null);
				}));
			}
			gate.countDown();
			List<HttpResponse<String>> responses = new ArrayList<>();
			for (Future<HttpResponse<String>> future : futures) {
				responses.add(future.get(60, TimeUnit.SECONDS));
			}
			return responses;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static ConfigurableApplicationContext start(EmbeddedPostgres postgres, AcsEmulator acs) throws IOException {
		return new SpringApplicationBuilder(AcsTokenServiceApplication.class)
			/*
			 * Both instances share this one emulator, as two deployments share one ACS
			 * resource.
			 */
			.initializers((context) -> context.getBeanFactory()
				.registerSingleton("sharedAcs",
						AcsConnectionDetails.ofConnectionString(acs.connectionString(), acs.certificate())))
			.run("--server.port=0", "--spring.main.banner-mode=off",
					"--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
					"--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
					"--spring.datasource.hikari.maximum-pool-size=20", "--policy.rate-limit.capacity=1000");
	}

	private static ServiceClient client(ConfigurableApplicationContext context) {
		return new ServiceClient(((WebServerApplicationContext) context).getWebServer().getPort());
	}

}
