package org.acstokenservice.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReusableTokensTests {

	private static final String ID = "8:acs:r_1";

	private static final Set<AcsScope> CHAT = Set.of(AcsScope.CHAT);

	private static final Duration DAY = Duration.ofHours(24);

	private final Instant issuedAt = Instant.now();

	private final AcsToken token = new AcsToken("t1", this.issuedAt.plus(Duration.ofHours(2)));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ReusableTokens tokens = new ReusableTokens(true, 100, this.meters);

	@Test
	void findWhenFreshAndSameScopesThenHitCounted() {
		this.tokens.remember(ID, CHAT, this.token, this.issuedAt, 0);

		assertThat(this.tokens.find(ID, CHAT, DAY, 0, this.issuedAt.plusSeconds(60))).contains(this.token);
		assertThat(this.meters.get("acs.token.reuse").tag("result", "hit").counter().count()).isEqualTo(1);
	}

	@Test
	void findWhenOtherScopesThenMissCounted() {
		this.tokens.remember(ID, CHAT, this.token, this.issuedAt, 0);

		assertThat(this.tokens.find(ID, Set.of(AcsScope.CHAT, AcsScope.VOIP), DAY, 0, this.issuedAt)).isEmpty();
		assertThat(this.meters.get("acs.token.reuse").tag("result", "miss").counter().count()).isEqualTo(1);
	}

	@Test
	void findWhenLessThanHalfItsLifeLeftThenMiss() {
		this.tokens.remember(ID, CHAT, this.token, this.issuedAt, 0);

		assertThat(this.tokens.find(ID, CHAT, DAY, 0, this.issuedAt.plus(Duration.ofMinutes(59)))).isPresent();
		assertThat(this.tokens.find(ID, CHAT, DAY, 0, this.issuedAt.plus(Duration.ofMinutes(61)))).isEmpty();
	}

	@Test
	void findWhenLessThanFifteenMinutesLeftThenMissEvenWithinHalfLife() {
		AcsToken shortLived = new AcsToken("t2", this.issuedAt.plus(Duration.ofMinutes(20)));
		this.tokens.remember(ID, CHAT, shortLived, this.issuedAt, 0);

		assertThat(this.tokens.find(ID, CHAT, DAY, 0, this.issuedAt.plus(Duration.ofMinutes(4)))).isPresent();
		assertThat(this.tokens.find(ID, CHAT, DAY, 0, this.issuedAt.plus(Duration.ofMinutes(6)))).isEmpty();
	}

	@Test
	void findWhenTokenWouldOutliveLifetimeAskedThenMiss() {
		this.tokens.remember(ID, CHAT, this.token, this.issuedAt, 0);

		assertThat(this.tokens.find(ID, CHAT, Duration.ofMinutes(60), 0, this.issuedAt)).isEmpty();
		assertThat(this.tokens.find(ID, CHAT, Duration.ofMinutes(120), 0, this.issuedAt)).isPresent();
	}

	@Test
	void findWhenRevokedSinceIssueThenMissWhateverTheClocksSay() {
		this.tokens.remember(ID, CHAT, this.token, this.issuedAt, 3);

		assertThat(this.tokens.find(ID, CHAT, DAY, 4, this.issuedAt.plusSeconds(1))).isEmpty();
		assertThat(this.tokens.find(ID, CHAT, DAY, 4, this.issuedAt.minusSeconds(60))).isEmpty();
		assertThat(this.tokens.find(ID, CHAT, DAY, 3, this.issuedAt.plusSeconds(1))).contains(this.token);
	}

	@Test
	void findWhenForgottenOrDisabledThenMiss() {
		this.tokens.remember(ID, CHAT, this.token, this.issuedAt, 0);
		this.tokens.forget(ID);
		ReusableTokens disabled = new ReusableTokens(false, 100, this.meters);
		disabled.remember(ID, CHAT, this.token, this.issuedAt, 0);

		assertThat(this.tokens.find(ID, CHAT, DAY, 0, this.issuedAt)).isEmpty();
		assertThat(disabled.find(ID, CHAT, DAY, 0, this.issuedAt)).isEmpty();
	}

}
