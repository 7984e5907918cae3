package org.acstokenservice.acs;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

import com.azure.communication.identity.CommunicationIdentityClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** The gateway's bookkeeping with the circuit breaker, with the SDK client mocked. */
class AcsGatewayTests {

	private final CommunicationIdentityClient client = mock(CommunicationIdentityClient.class);

	private final CircuitBreaker breaker = CircuitBreaker.of("acs",
			CircuitBreakerConfig.custom().permittedNumberOfCallsInHalfOpenState(1).build());

	private final AcsGateway gateway = new AcsGateway(this.client, this.breaker, Duration.ofSeconds(15),
			new SimpleMeterRegistry());

	@Test
	void callWhenBudgetSpentWhileProbingThenBreakerStaysHalfOpen() {
		this.breaker.transitionToOpenState();
		this.breaker.transitionToHalfOpenState();
		given(this.client.getToken(any(), any(), any()))
			.willThrow(new RuntimeException(new AcsBudgetPolicy.BudgetSpentException(Duration.ofSeconds(5))));

		assertThatExceptionOfType(AcsException.class)
			.isThrownBy(() -> this.gateway.issueToken("8:acs:r_1", Set.of(AcsScope.CHAT), Duration.ofHours(1)))
			.satisfies((ex) -> {
				assertThat(ex.kind()).isEqualTo(AcsException.Kind.UNAVAILABLE);
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(5));
			});
		assertThat(this.breaker.getState()).as("a call held back here proves nothing about ACS")
			.isEqualTo(CircuitBreaker.State.HALF_OPEN);
	}

	@Test
	void callWhenBudgetsDatabaseUnreachableThenDatabaseFailureNotAcsFailure() {
		this.breaker.transitionToOpenState();
		this.breaker.transitionToHalfOpenState();
		DataAccessResourceFailureException down = new DataAccessResourceFailureException(
				"The shared rate limits " + "cannot be reached",
				new SQLException("Connection refused", new ConnectException("refused")));
		given(this.client.getToken(any(), any(), any())).willThrow(new RuntimeException(down));

		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> this.gateway.issueToken("8:acs:r_1", Set.of(AcsScope.CHAT), Duration.ofHours(1)))
			.havingCause()
			.isSameAs(down);
		assertThat(AcsGateway.isConnectionFailure(down)).as("not retried as a lost connection to ACS").isFalse();
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
	}

	@Test
	void callWhenBugInsteadOfAcsFailureThenPermissionReleasedAndBreakerUntouched() {
		this.breaker.transitionToOpenState();
		this.breaker.transitionToHalfOpenState();
		given(this.client.getToken(any(), any(), any())).willThrow(new IllegalArgumentException("bug"));

		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.gateway.issueToken("8:acs:r_1", Set.of(AcsScope.CHAT), Duration.ofHours(1)));
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(this.breaker.tryAcquirePermission()).as("the probe permit came back").isTrue();
	}

}
