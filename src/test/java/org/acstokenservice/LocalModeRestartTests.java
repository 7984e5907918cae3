package org.acstokenservice;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.acstokenservice.testsupport.LocalModeTestProperties;
import org.acstokenservice.testsupport.ServiceClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local mode keeps its state like a real deployment: a restarted service, with its
 * emulator, gives each user the identity it had before.
 */
@IntegrationTest
class LocalModeRestartTests {

	@Test
	void issueTokenWhenServiceRestartedThenSameIdentities() {
		Path dataDir = LocalModeTestProperties.temporaryDirectory("acs-token-service-data-");
		String alice;
		String bob;
		try (ConfigurableApplicationContext first = start(dataDir)) {
			ServiceClient client = new ServiceClient(port(first));
			alice = communicationUserId(client.post("/token", "alice", null));
			bob = communicationUserId(client.post("/token", "bob", null));
		}
		assertThat(alice).isNotEqualTo(bob);

		try (ConfigurableApplicationContext second = start(dataDir)) {
			ServiceClient client = new ServiceClient(port(second));
			assertThat(communicationUserId(client.post("/token", "alice", null))).isEqualTo(alice);
			assertThat(communicationUserId(client.post("/token", "bob", null))).isEqualTo(bob);
		}
	}

	private static ConfigurableApplicationContext start(Path dataDir) {
		return new SpringApplicationBuilder(AcsTokenServiceApplication.class).run("--server.port=0",
				"--spring.main.banner-mode=off",
				"--spring.datasource.url=jdbc:h2:file:" + dataDir.resolve("acs-token-service"),
				"--acs.emulator.data-dir=" + dataDir.resolve("emulator"));
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static String communicationUserId(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return ServiceClient.json(response).path("user").path("communicationUserId").asString();
	}

}
