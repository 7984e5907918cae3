package org.acstokenservice.acs;

import java.net.http.HttpResponse;

import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spent ACS budget turns away what needs ACS, while reused tokens are still handed out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "acs.budget.calls=3", "acs.budget.period=1h" })
class AcsBudgetTests {

	@DynamicPropertySource
	static void localMode(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
	}

	@LocalServerPort
	int port;

	@Test
	void issueTokenWhenBudgetSpentThenUnavailableButReuseStillServed() {
		ServiceClient client = new ServiceClient(this.port);
		HttpResponse<String> first = client.post("/token", "alice", null);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(client.post("/token", "bob", null).statusCode()).isEqualTo(200);
		assertThat(client.post("/token", "alice", "{\"scopes\":[\"voip\"]}").statusCode()).isEqualTo(200);

		HttpResponse<String> spent = client.post("/token", "alice", "{\"scopes\":[\"chat.join\"]}");

		AcsFaultTests.assertProblem(spent, 503, "acs_unavailable");
		assertThat(spent.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		HttpResponse<String> reused = client.post("/token", "alice", null);
		assertThat(reused.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(reused).path("token").asString())
			.isEqualTo(ServiceClient.json(first).path("token").asString());
	}

}
