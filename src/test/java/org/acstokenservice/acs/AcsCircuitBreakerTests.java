package org.acstokenservice.acs;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.acstokenservice.ServiceTest;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsOperation;
import org.acstokenservice.emulator.Fault;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit breaker opens while ACS fails, answers at once without calling ACS, and
 * closes again once a probe finds ACS back.
 */
@ServiceTest
@TestPropertySource(properties = { "tokens.reuse.enabled=false", "acs.client.max-retries=0",
		"acs.circuit-breaker.sliding-window-size=4", "acs.circuit-breaker.minimum-number-of-calls=4",
		"acs.circuit-breaker.wait-in-open-state=2s", "acs.circuit-breaker.permitted-calls-in-half-open-state=1" })
class AcsCircuitBreakerTests {

	@Autowired
	ServiceClient client;

	@Autowired
	AcsEmulator emulator;

	@Test
	void circuitBreakerWhenAcsFailsThenOpensFailsFastAndClosesWhenAcsIsBack() throws InterruptedException {
		assertThat(this.client.post("/token", "alice", null).statusCode()).isEqualTo(200);
		this.emulator.faults().injectShare(1.0, AcsOperation.ISSUE_TOKEN, Fault.status(500));
		for (int i = 0; i < 4; i++) {
			AcsFaultTests.assertProblem(this.client.post("/token", "alice", null), 503, "acs_unavailable");
		}
		assertThat(circuitState()).isEqualTo("OPEN");
		long callsBefore = this.emulator.requestCount(AcsOperation.ISSUE_TOKEN);

		HttpResponse<String> failedFast = this.client.post("/token", "alice", null);

		AcsFaultTests.assertProblem(failedFast, 503, "acs_unavailable");
		assertThat(failedFast.headers().firstValue("Retry-After")).contains("2");
		assertThat(this.emulator.requestCount(AcsOperation.ISSUE_TOKEN)).as("ACS not called while open")
			.isEqualTo(callsBefore);

		this.emulator.faults().clear();
		awaitState("HALF_OPEN", Duration.ofSeconds(10));
		assertThat(this.client.post("/token", "alice", null).statusCode()).isEqualTo(200);
		assertThat(circuitState()).isEqualTo("CLOSED");
	}

	private String circuitState() {
		return ServiceClient.json(this.client.get("/actuator/health", "admin"))
			.path("components")
			.path("acs")
			.path("details")
			.path("circuitBreaker")
			.asString();
	}

	private void awaitState(String state, Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (!state.equals(circuitState()) && Instant.now().isBefore(deadline)) {
			Thread.sleep(100);
		}
		assertThat(circuitState()).isEqualTo(state);
	}

}
