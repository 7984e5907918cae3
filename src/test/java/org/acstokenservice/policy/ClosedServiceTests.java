package org.acstokenservice.policy;

import java.net.http.HttpResponse;

import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** A closed service answers 503 with {@code Retry-After}, and stays healthy. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "policy.availability.open=false", "policy.availability.retry-after=10m" })
class ClosedServiceTests {

	@DynamicPropertySource
	static void localMode(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
	}

	@LocalServerPort
	int port;

	@Test
	void issueTokenWhenServiceClosedThenServiceClosedWithRetryAfter() {
		ServiceClient client = new ServiceClient(this.port);

		HttpResponse<String> response = client.post("/token", "alice", null);

		PolicyEndpointTests.assertProblem(response, 503, "service_closed");
		assertThat(response.headers().firstValue("Retry-After")).contains("600");
		assertThat(client.get("/actuator/health", null).statusCode()).isEqualTo(200);
	}

}
