package org.acstokenservice.policy;

import java.time.Clock;

import org.junit.jupiter.api.Test;

import org.acstokenservice.ratelimit.BucketStore;
import org.acstokenservice.ratelimit.InMemoryBucketStore;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad policy stops start-up with a message that names the property. */
class PolicyPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
		.withUserConfiguration(PolicyConfiguration.class)
		.withBean(Clock.class, Clock::systemUTC)
		.withBean(BucketStore.class, InMemoryBucketStore::new)
		.withPropertyValues("token-service.policy.default-tier=basic", "token-service.policy.tiers.basic.scopes=chat",
				"token-service.policy.tiers.standard.scopes=chat,voip,chat.join,chat.join.limited,voip.join");

	@Test
	void startWhenPolicyValidThenScopesBoundFromWireNames() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.getBean(PolicyProperties.class)
			.satisfies((properties) -> assertThat(properties.tiers().get("standard").scopes()).hasSize(5)));
	}

	@Test
	void startWhenDefaultTierUnknownThenFailsNamingProperty() {
		assertStartFails("token-service.policy.default-tier=gold", "token-service.policy.default-tier");
	}

	@Test
	void startWhenDefaultScopeOutsideTierThenFailsNamingProperty() {
		assertStartFails("token-service.policy.tiers.basic.default-scopes=voip",
				"token-service.policy.tiers.basic.default-scopes");
	}

	@Test
	void startWhenLifetimeOutsideAcsBoundsThenFailsNamingProperty() {
		assertStartFails("token-service.policy.tiers.basic.max-lifetime=25h",
				"token-service.policy.tiers.basic.max-lifetime");
		assertStartFails("token-service.policy.tiers.basic.default-lifetime=30m",
				"token-service.policy.tiers.basic.default-lifetime");
	}

	@Test
	void startWhenUnknownScopeThenFails() {
		this.runner.withPropertyValues("token-service.policy.tiers.basic.scopes=chat,video")
			.run((context) -> assertThat(context).hasFailed());
	}

	private void assertStartFails(String property, String named) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(named);
		});
	}

}
