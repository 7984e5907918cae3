package org.acstokenservice.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FaultInjectorTests {

	private final FaultInjector faults = new FaultInjector();

	@Test
	void decideWhenNoFaultsThenNone() {
		assertThat(this.faults.decide(AcsOperation.CREATE_IDENTITY)).isEqualTo(FaultInjector.Decision.NONE);
		assertThat(this.faults.isActive()).isFalse();
	}

	@Test
	void decideWhenBurstThenNextRequestsOnlyAndThenSpent() {
		this.faults.injectNext(2, Fault.status(503));
		assertThat(this.faults.decide(AcsOperation.ISSUE_TOKEN).outcome()).isEqualTo(Fault.status(503));
		assertThat(this.faults.decide(AcsOperation.DELETE).outcome()).isEqualTo(Fault.status(503));
		assertThat(this.faults.decide(AcsOperation.ISSUE_TOKEN).outcome()).isNull();
		assertThat(this.faults.isActive()).isFalse();
	}

	@Test
	void decideWhenBurstForOneOperationThenOthersUntouched() {
		this.faults.injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.drop());
		assertThat(this.faults.decide(AcsOperation.ISSUE_TOKEN).outcome()).isNull();
		assertThat(this.faults.decide(AcsOperation.CREATE_IDENTITY).outcome()).isEqualTo(Fault.drop());
		assertThat(this.faults.decide(AcsOperation.CREATE_IDENTITY).outcome()).isNull();
	}

	@Test
	void decideWhenTwoBurstsThenFirstAddedFirstAndSecondNotConsumedMeanwhile() {
		this.faults.injectNext(1, Fault.status(429));
		this.faults.injectNext(1, Fault.drop());
		assertThat(this.faults.decide(AcsOperation.CREATE_IDENTITY).outcome()).isEqualTo(Fault.status(429));
		assertThat(this.faults.decide(AcsOperation.CREATE_IDENTITY).outcome()).isEqualTo(Fault.drop());
		assertThat(this.faults.decide(AcsOperation.CREATE_IDENTITY).outcome()).isNull();
	}

	@Test
	void decideWhenLatenciesAndStatusThenDelaysAddUpWithTheStatus() {
		this.faults.injectNext(1, Fault.latency(Duration.ofMillis(100)));
		this.faults.injectNext(1, Fault.status(500));
		this.faults.injectNext(1, Fault.latency(Duration.ofMillis(50)));
		FaultInjector.Decision decision = this.faults.decide(AcsOperation.REVOKE);
		assertThat(decision.delay()).isEqualTo(Duration.ofMillis(150));
		assertThat(decision.outcome()).isEqualTo(Fault.status(500));
	}

	@Test
	void decideWhenShareThenAboutThatShareUntilCleared() {
		this.faults.injectShare(0.25, Fault.status(503));
		int faulted = 0;
		for (int i = 0; i < 4000; i++) {
			if (this.faults.decide(AcsOperation.ISSUE_TOKEN).outcome() != null) {
				faulted++;
			}
		}
		assertThat(faulted).isBetween(850, 1150);
		this.faults.clear();
		assertThat(this.faults.decide(AcsOperation.ISSUE_TOKEN).outcome()).isNull();
	}

	@Test
	void decideWhenSameSeedThenSameSequence() {
		this.faults.injectShare(0.5, Fault.status(503));
		this.faults.seed(7);
		List<Boolean> first = draws(20);
		this.faults.seed(7);
		assertThat(draws(20)).isEqualTo(first).contains(true, false);
	}

	@Test
	void injectWhenBadCountOrShareThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.faults.injectNext(0, Fault.drop()));
		assertThatIllegalArgumentException().isThrownBy(() -> this.faults.injectShare(1.5, Fault.drop()));
		assertThatIllegalArgumentException().isThrownBy(() -> this.faults.injectShare(Double.NaN, Fault.drop()));
		assertThat(this.faults.isActive()).isFalse();
	}

	@Test
	void faultWhenInconsistentThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.latency(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.status(200));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.status(503, Duration.ofSeconds(-1)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Fault(Fault.Kind.DROP, null, 0, Duration.ofSeconds(1)));
	}

	@Test
	void fromNameWhenConfigurationSpellingsThenOperation() {
		assertThat(AcsOperation.fromName("create-identity")).isEqualTo(AcsOperation.CREATE_IDENTITY);
		assertThat(AcsOperation.fromName("issueToken")).isEqualTo(AcsOperation.ISSUE_TOKEN);
		assertThat(AcsOperation.fromName("TEAMS_EXCHANGE")).isEqualTo(AcsOperation.TEAMS_EXCHANGE);
		assertThatIllegalArgumentException().isThrownBy(() -> AcsOperation.fromName("rename"));
	}

	private List<Boolean> draws(int count) {
		List<Boolean> draws = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			draws.add(this.faults.decide(AcsOperation.ISSUE_TOKEN).outcome() != null);
		}
		return draws;
	}

}
