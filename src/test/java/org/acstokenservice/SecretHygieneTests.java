package org.acstokenservice;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.acstokenservice.AcsTokenServiceApplication;
import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the service as in production (a configured ACS resource, JWT users, a database
 * with a password), drives a full scenario, good and bad, and then searches everything it
 * logged and answered for the secrets it handled, the stored pseudonym key among them.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class SecretHygieneTests {

	@Test
	void fullScenarioThenNoSecretInLogsOrResponses(CapturedOutput output) {
		String accessKey = randomKey();
		String databasePassword = "db-" + UUID.randomUUID();
		List<String> secrets = new ArrayList<>(List.of(accessKey, databasePassword));
		List<String> bodies = new ArrayList<>();
		try (TestJwtIssuer issuer = new TestJwtIssuer();
				AcsEmulator acs = AcsEmulator.start(AcsEmulatorSettings.inMemory().withAccessKey(accessKey));
				ConfigurableApplicationContext service = start(acs, issuer, databasePassword)) {
			secrets.add(acs.connectionString());
			ServiceClient client = new ServiceClient(((WebServerApplicationContext) service).getWebServer().getPort());

			String jwt = issuer.token("secret-user", (claims) -> claims.claim("tier", "standard"));
			secrets.add(jwt);
			HttpResponse<String> issued = send(client, bearer(client, "/token", jwt, null), bodies);
			assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
			secrets.add(ServiceClient.json(issued).path("token").asString());
			HttpResponse<String> reused = send(client, bearer(client, "/token", jwt, "{\"scopes\":[\"voip\"]}"),
					bodies);
			secrets.add(ServiceClient.json(reused).path("token").asString());
			send(client, bearer(client, "/token", jwt, "{\"scopes\":[\"nope\"]}"), bodies);
			send(client, bearer(client, "/token", jwt, "{\"scopes\":"), bodies);
			send(client, bearer(client, "/token/revoke", jwt, null), bodies);
			String badJwt = issuer.tokenSignedByOtherKey("mallory");
			secrets.add(badJwt);
			send(client, bearer(client, "/token", badJwt, null), bodies);
			String password = "hunter2-" + UUID.randomUUID();
			secrets.add(password);
			String basic = ServiceClient.basic("mallory", password);
			secrets.add(basic.substring("Basic ".length()));
			send(client,
					client.request("/token", null)
						.header("Authorization", basic)
						.POST(HttpRequest.BodyPublishers.noBody()),
					bodies);
			String teamsToken = issuer.token("teams-user", (claims) -> claims.claim("appid", "other-app"));
			secrets.add(teamsToken);
			send(client, bearer(client, "/token/teams", jwt, "{\"token\":\"" + teamsToken + "\"}"), bodies);
			HttpResponse<String> erase = send(client,
					client.request("/identity", null).header("Authorization", "Bearer " + jwt).DELETE(), bodies);
			assertThat(erase.statusCode()).isEqualTo(204);
			secrets.add(service.getBean(JdbcClient.class)
				.sql("select secret from audit_pseudonym_key")
				.query(String.class)
				.single());
			send(client, client.request("/actuator/health", null).GET(), bodies);
		}

		String logs = output.getAll();
		assertThat(logs).contains("Tomcat started on port").contains("TOKEN_ISSUE");
		for (String secret : secrets) {
			assertThat(logs).as("logs").doesNotContain(secret);
			assertThat(bodies).as("error bodies and headers").noneSatisfy((body) -> assertThat(body).contains(secret));
		}
		assertThat(logs).doesNotContainIgnoringCase("accesskey=");
	}

	private static ConfigurableApplicationContext start(AcsEmulator acs, TestJwtIssuer issuer, String password) {
		return new SpringApplicationBuilder(AcsTokenServiceApplication.class).run("--server.port=0",
				"--spring.main.banner-mode=off", "--acs.connection-string=" + acs.connectionString(),
				"--acs.trusted-certificate=" + acs.certificateFile(),
				"--spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"--spring.datasource.username=sa", "--spring.datasource.password=" + password,
				"--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuer.jwkSetUri(),
				"--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER,
				"--spring.security.oauth2.resourceserver.jwt.audiences=" + TestJwtIssuer.AUDIENCE,
				"--token-service.teams.client-id=teams-client", "--logging.level.org.acstokenservice=DEBUG");
	}

	private static HttpRequest.Builder bearer(ServiceClient client, String path, String jwt, String body) {
		HttpRequest.Builder request = client.request(path, null).header("Authorization", "Bearer " + jwt);
		if (body == null) {
			return request.POST(HttpRequest.BodyPublishers.noBody());
		}
		return request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
	}

	private static HttpResponse<String> send(ServiceClient client, HttpRequest.Builder request, List<String> bodies) {
		HttpResponse<String> response = client.send(request.build());
		/*
		 * A token response carries its own token by design; every other answer carries
		 * none.
		 */
		if (response.statusCode() >= 300) {
			bodies.add(response.body());
		}
		response.headers().map().forEach((name, values) -> bodies.add(name + ": " + values));
		return response;
	}

	private static String randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

}
