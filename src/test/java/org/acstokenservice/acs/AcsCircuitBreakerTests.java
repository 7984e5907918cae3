package org.acstokenservice.acs;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsOperation;
import org.acstokenservice.emulator.Fault;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit breaker opens while ACS fails, answers at once without calling ACS, and
 * closes again once a probe finds ACS back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tokens.reuse.enabled=false", "policy.rate-limit.capacity=1000", "acs.client.max-retries=0",
				"acs.circuit-breaker.sliding-window-size=4", "acs.circuit-breaker.minimum-number-of-calls=4",
				"acs.circuit-breaker.wait-in-open-state=2s",
				"acs.circuit-breaker.permitted-calls-in-half-open-state=1" })
class AcsCircuitBreakerTests {

	@DynamicPropertySource
	static void localMode(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	AcsEmulator emulator;

	@Test
	void circuitBreakerWhenAcsFailsThenOpensFailsFastAndClosesWhenAcsIsBack() throws InterruptedException {
		ServiceClient client = new ServiceClient(this.port);
		assertThat(client.post("/token", "alice", null).statusCode()).isEqualTo(200);
		this.emulator.faults().injectShare(1.0, AcsOperation.ISSUE_TOKEN, Fault.status(500));
		for (int i = 0; i < 4; i++) {
			AcsFaultTests.assertProblem(client.post("/token", "alice", null), 503, "acs_unavailable");
		}
		assertThat(circuitState(client)).isEqualTo("OPEN");
		long callsBefore = this.emulator.requestCount(AcsOperation.ISSUE_TOKEN);

		HttpResponse<String> failedFast = client.post("/token", "alice", null);

		AcsFaultTests.assertProblem(failedFast, 503, "acs_unavailable");
		assertThat(failedFast.headers().firstValue("Retry-After")).contains("2");
		assertThat(this.emulator.requestCount(AcsOperation.ISSUE_TOKEN)).as("ACS not called while open")
			.isEqualTo(callsBefore);

		this.emulator.faults().clear();
		awaitState(client, "HALF_OPEN", Duration.ofSeconds(10));
		assertThat(client.post("/token", "alice", null).statusCode()).isEqualTo(200);
		assertThat(circuitState(client)).isEqualTo("CLOSED");
	}

	private static String circuitState(ServiceClient client) {
		return ServiceClient.json(client.get("/actuator/health", "admin"))
			.path("components")
			.path("acs")
			.path("details")
			.path("circuitBreaker")
			.asString();
	}

	private static void awaitState(ServiceClient client, String state, Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (!state.equals(circuitState(client)) && Instant.now().isBefore(deadline)) {
			Thread.sleep(100);
		}
		assertThat(circuitState(client)).isEqualTo(state);
	}

}
