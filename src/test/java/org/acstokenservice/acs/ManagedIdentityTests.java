package org.acstokenservice.acs;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import org.acstokenservice.AcsTokenServiceApplication;
import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ACS_ENDPOINT} without a key: the service calls ACS with a Microsoft Entra ID
 * token from its credential (managed identity in production; a test credential here,
 * whose token the emulator is told to accept).
 */
@IntegrationTest
class ManagedIdentityTests {

	@Test
	void issueTokenWhenEndpointAndCredentialThenBearerAuthenticatedCallsSucceed() {
		String entraToken = "entra-" + UUID.randomUUID();
		try (TestJwtIssuer issuer = new TestJwtIssuer();
				AcsEmulator acs = AcsEmulator.start(AcsEmulatorSettings.inMemory());
				ConfigurableApplicationContext service = start(acs, issuer, credential(entraToken))) {
			acs.trustBearerToken(entraToken);
			ServiceClient client = new ServiceClient(port(service));

			HttpResponse<String> response = client.send(bearer(client, issuer.token("mi-user")));

			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			String identity = ServiceClient.json(response).path("user").path("communicationUserId").asString();
			assertThat(acs.identityExists(identity)).isTrue();
			assertThat(acs.isTokenValid(ServiceClient.json(response).path("token").asString())).isTrue();
			String operator = issuer.token("ops", (claims) -> claims.claim("roles", List.of("ADMIN")));
			HttpResponse<String> health = client.send(client.request("/actuator/health", null)
				.header("Authorization", "Bearer " + operator)
				.GET()
				.build());
			assertThat(ServiceClient.json(health)
				.path("components")
				.path("acs")
				.path("details")
				.path("credential")
				.asString()).isEqualTo("entra-id");
		}
	}

	@Test
	void issueTokenWhenAcsRefusesTheCredentialThenBadGateway() {
		try (TestJwtIssuer issuer = new TestJwtIssuer();
				AcsEmulator acs = AcsEmulator.start(AcsEmulatorSettings.inMemory());
				ConfigurableApplicationContext service = start(acs, issuer, credential("not-trusted"))) {
			ServiceClient client = new ServiceClient(port(service));

			HttpResponse<String> response = client.send(bearer(client, issuer.token("mi-user")));

			assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
			assertThat(ServiceClient.json(response).path("code").asString()).isEqualTo("acs_rejected");
		}
	}

	private static TokenCredential credential(String token) {
		return (request) -> Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
	}

	private static HttpRequest bearer(ServiceClient client, String jwt) {
		return client.request("/token", null)
			.header("Authorization", "Bearer " + jwt)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
	}

	private static ConfigurableApplicationContext start(AcsEmulator acs, TestJwtIssuer issuer,
			TokenCredential credential) {
		return new SpringApplicationBuilder(AcsTokenServiceApplication.class)
			.initializers((context) -> context.getBeanFactory().registerSingleton("acsCredential", credential))
			.run("--server.port=0", "--spring.main.banner-mode=off", "--acs.endpoint=" + acs.endpoint(),
					"--acs.trusted-certificate=" + acs.certificateFile(),
					"--spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
					"--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuer.jwkSetUri(),
					"--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER,
					"--spring.security.oauth2.resourceserver.jwt.audiences=" + TestJwtIssuer.AUDIENCE,
					"--acs.client.max-retries=0");
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
