package org.acstokenservice.security;

import java.net.http.HttpRequest;
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
 * An address that keeps failing to sign in is turned away for a while, good password or
 * not.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sign-in.failed-attempts.capacity=3", "sign-in.failed-attempts.period=1h" })
class FailedSignInLimitTests {

	@DynamicPropertySource
	static void localMode(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
	}

	@LocalServerPort
	int port;

	@Test
	void signInWhenAddressSpentFailedAttemptsThenRateLimitedWithRetryAfter() {
		ServiceClient client = new ServiceClient(this.port);
		for (int i = 0; i < 3; i++) {
			assertThat(client.send(wrongPassword(client)).statusCode()).isEqualTo(401);
		}

		HttpResponse<String> blocked = client.post("/token", "alice", null);

		assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(429);
		assertThat(ServiceClient.json(blocked).path("code").asString()).isEqualTo("rate_limited");
		assertThat(blocked.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		assertThat(client.get("/actuator/health", null).statusCode()).isEqualTo(200);
	}

	private static HttpRequest wrongPassword(ServiceClient client) {
		return client.request("/token", null)
			.header("Authorization", ServiceClient.basic("alice", "guess"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
	}

}
