package org.acstokenservice;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings under the names they had before {@code token-service.*} still take effect. */
@ExtendWith(OutputCaptureExtension.class)
class LegacyPropertyNamesTests {

	@Test
	void oldNamesWhenSetThenBoundUnderNewNamesAndWarned(CapturedOutput output) {
		StandardEnvironment environment = environment(Map.of("policy.rate-limit.capacity", "7",
				"sign-in.cors-allowed-origins", "https://app.example", "identity.deletion-retry-interval", "5s"));

		DeferredLogs logs = postProcess(environment);
		logs.switchOverAll();

		Binder binder = Binder.get(environment);
		assertThat(binder.bind("token-service.policy.rate-limit.capacity", Integer.class).get()).isEqualTo(7);
		assertThat(binder.bind("token-service.sign-in.cors-allowed-origins", String.class).get())
			.isEqualTo("https://app.example");
		assertThat(environment.getProperty("token-service.identity.deletion-retry-interval")).isEqualTo("5s");
		assertThat(output).contains("policy.rate-limit.capacity", "sign-in.cors-allowed-origins", "token-service.*")
			.doesNotContain("https://app.example");
	}

	@Test
	void oldNamesWhenEnvironmentVariablesThenBoundUnderNewNames() {
		StandardEnvironment environment = environment(Map.of());
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("POLICY_RATELIMIT_CAPACITY", "9", "TOKENS_REUSE_ENABLED", "false")));

		postProcess(environment);

		Binder binder = Binder.get(environment);
		assertThat(binder.bind("token-service.policy.rate-limit.capacity", Integer.class).get()).isEqualTo(9);
		assertThat(binder.bind("token-service.tokens.reuse.enabled", Boolean.class).get()).isFalse();
	}

	@Test
	void oldAndNewNamesWhenBothSetThenNewNameWins() {
		StandardEnvironment environment = environment(
				Map.of("policy.rate-limit.capacity", "7", "token-service.policy.rate-limit.capacity", "3"));

		postProcess(environment);

		assertThat(Binder.get(environment).bind("token-service.policy.rate-limit.capacity", Integer.class).get())
			.isEqualTo(3);
	}

	@Test
	void namesWhenNotTheServicesThenLeftAlone() {
		StandardEnvironment environment = environment(Map.of("http.proxy-host", "proxy", "identity.provider", "x"));

		postProcess(environment);

		assertThat(environment.getPropertySources().stream())
			.noneMatch((source) -> source.getName().startsWith(LegacyPropertyNames.PROPERTY_SOURCE_NAME));
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		ConfigurationPropertySources.attach(environment);
		return environment;
	}

	private static DeferredLogs postProcess(StandardEnvironment environment) {
		DeferredLogs logs = new DeferredLogs();
		new LegacyPropertyNames(logs).postProcessEnvironment(environment, new SpringApplication());
		return logs;
	}

}
