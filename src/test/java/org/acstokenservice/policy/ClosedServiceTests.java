package org.acstokenservice.policy;

import java.net.http.HttpResponse;

import org.acstokenservice.ServiceTest;
import org.acstokenservice.ServiceClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** A closed service answers 503 with {@code Retry-After}, and stays healthy. */
@ServiceTest
@TestPropertySource(properties = { "policy.availability.open=false", "policy.availability.retry-after=10m" })
class ClosedServiceTests {

	@Autowired
	ServiceClient client;

	@Test
	void issueTokenWhenServiceClosedThenServiceClosedWithRetryAfter() {

		HttpResponse<String> response = this.client.post("/token", "alice", null);

		PolicyEndpointTests.assertProblem(response, 503, "service_closed");
		assertThat(response.headers().firstValue("Retry-After")).contains("600");
		assertThat(this.client.get("/actuator/health", null).statusCode()).isEqualTo(200);
	}

}
