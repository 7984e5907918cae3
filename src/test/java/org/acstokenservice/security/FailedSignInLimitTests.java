package org.acstokenservice.security;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.acstokenservice.ServiceTest;
import org.acstokenservice.ServiceClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An address that keeps failing to sign in is turned away for a while, good password or
 * not.
 */
@ServiceTest
@TestPropertySource(properties = { "sign-in.failed-attempts.capacity=3", "sign-in.failed-attempts.period=1h" })
class FailedSignInLimitTests {

	@Autowired
	ServiceClient client;

	@Test
	void signInWhenAddressSpentFailedAttemptsThenRateLimitedWithRetryAfter() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.client.send(wrongPassword()).statusCode()).isEqualTo(401);
		}

		HttpResponse<String> blocked = this.client.post("/token", "alice", null);

		assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(429);
		assertThat(ServiceClient.json(blocked).path("code").asString()).isEqualTo("rate_limited");
		assertThat(blocked.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		assertThat(this.client.get("/actuator/health", null).statusCode()).isEqualTo(200);
	}

	private HttpRequest wrongPassword() {
		return this.client.request("/token", null)
			.header("Authorization", ServiceClient.basic("alice", "guess"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
	}

}
