package org.acstokenservice.emulator;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AcsEmulatorPropertiesTests {

	private static final String KEY = "dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void bindWhenNothingSetThenAcsLimitsOn() {
		this.contextRunner.run((context) -> {
			AcsEmulatorProperties properties = context.getBean(AcsEmulatorProperties.class);
			assertThat(properties.limits().enabled()).isTrue();
			assertThat(properties.limits().window()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.toSettings().limits()).isEqualTo(LimitSettings.acs());
		});
	}

	@Test
	void bindWhenLimitsSetThenThoseLimitsAndAcsNumbersForTheRest() {
		this.contextRunner
			.withPropertyValues("acs.emulator.limits.window=10s", "acs.emulator.limits.issue-token=5",
					"acs.emulator.limits.create-identity-and-token=7", "acs.emulator.limits.teams-exchange=9")
			.run((context) -> {
				LimitSettings limits = context.getBean(AcsEmulatorProperties.class).toSettings().limits();
				assertThat(limits.enabled()).isTrue();
				assertThat(limits.window()).isEqualTo(Duration.ofSeconds(10));
				assertThat(limits.perWindow(AcsLimit.ISSUE_TOKEN)).isEqualTo(5);
				assertThat(limits.perWindow(AcsLimit.CREATE_IDENTITY_AND_TOKEN)).isEqualTo(7);
				assertThat(limits.perWindow(AcsLimit.TEAMS_EXCHANGE)).isEqualTo(9);
				assertThat(limits.perWindow(AcsLimit.CREATE_IDENTITY)).isEqualTo(1000);
				assertThat(limits.perWindow(AcsLimit.DELETE)).isEqualTo(500);
			});
	}

	@Test
	void bindWhenLimitsDisabledThenOff() {
		this.contextRunner.withPropertyValues("acs.emulator.limits.enabled=false")
			.run((context) -> assertThat(context.getBean(AcsEmulatorProperties.class).toSettings().limits().enabled())
				.isFalse());
	}

	@Test
	void toSettingsWhenLimitOutOfRangeThenRefusedNamingTheProperty() {
		AcsEmulatorProperties properties = new AcsEmulatorProperties(null, 0, null, null, null,
				new AcsEmulatorProperties.Limits(true, Duration.ofSeconds(30), null, null, 0, null, null, null));
		assertThatIllegalArgumentException().isThrownBy(properties::toSettings)
			.withMessageContaining("acs.emulator.limits")
			.withMessageContaining("issue-token");
		AcsEmulatorProperties badWindow = new AcsEmulatorProperties(null, 0, null, null, null,
				new AcsEmulatorProperties.Limits(true, Duration.ofMillis(1500), null, null, null, null, null, null));
		assertThatIllegalArgumentException().isThrownBy(badWindow::start).withMessageContaining("window");
	}

	@Test
	void bindWhenNothingSetThenLoopbackFreePortRandomKeyInMemoryNoFaults() {
		this.contextRunner.run((context) -> {
			AcsEmulatorProperties properties = context.getBean(AcsEmulatorProperties.class);
			assertThat(properties.host()).isEqualTo("127.0.0.1");
			assertThat(properties.port()).isZero();
			assertThat(properties.accessKey()).isNull();
			assertThat(properties.dataDir()).isNull();
			assertThat(properties.faults()).isEqualTo(AcsEmulatorProperties.Faults.NONE);
			assertThat(properties.toSettings().dataDirectory()).isNull();
		});
	}

	@Test
	void bindWhenSetThenBoundAsTheStandaloneApplicationBindsThem() {
		this.contextRunner
			.withPropertyValues("acs.emulator.host=localhost", "acs.emulator.port=8443",
					"acs.emulator.access-key=" + KEY, "acs.emulator.data-dir=data/emulator",
					"acs.emulator.faults.status=503", "acs.emulator.faults.retry-after=2s",
					"acs.emulator.faults.operation=create-identity", "acs.emulator.faults.share=0.5")
			.run((context) -> {
				AcsEmulatorProperties properties = context.getBean(AcsEmulatorProperties.class);
				AcsEmulatorSettings settings = properties.toSettings();
				assertThat(settings.host()).isEqualTo("localhost");
				assertThat(settings.port()).isEqualTo(8443);
				assertThat(settings.accessKey()).isEqualTo(KEY);
				assertThat(settings.dataDirectory()).isEqualTo(Path.of("data/emulator"));
				assertThat(properties.faults().status()).isEqualTo(503);
				assertThat(properties.faults().retryAfter()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.faults().operation()).isEqualTo(AcsOperation.CREATE_IDENTITY);
				assertThat(properties.faults().share()).isEqualTo(0.5);
			});
	}

	@Test
	void toSettingsWhenDataDirBlankThenInMemory() {
		assertThat(new AcsEmulatorProperties(null, 0, null, " ", null, null).toSettings().dataDirectory()).isNull();
	}

	@Test
	void constructorWhenFaultsNullThenNone() {
		assertThat(new AcsEmulatorProperties(null, 0, null, null, null, null).faults())
			.isEqualTo(AcsEmulatorProperties.Faults.NONE);
	}

	@Test
	void constructorWhenLimitsNullThenAcs() {
		assertThat(new AcsEmulatorProperties(null, 0, null, null, null, null).toSettings().limits())
			.isEqualTo(LimitSettings.acs());
	}

	@Test
	void toStringWhenAccessKeySetThenLeftOut() {
		assertThat(new AcsEmulatorProperties(null, 0, KEY, null, null, null).toString()).doesNotContain(KEY)
			.contains("accessKey=(set)");
	}

	@Test
	void startWhenFaultsConfiguredThenInjected() {
		AcsEmulatorProperties properties = new AcsEmulatorProperties(null, 0, KEY, null,
				new AcsEmulatorProperties.Faults(null, 429, null, false, null, AcsOperation.ISSUE_TOKEN, null), null);
		try (AcsEmulator emulator = properties.start()) {
			assertThat(emulator.connectionString()).endsWith(";accesskey=" + KEY);
			assertThat(emulator.faults().decide(AcsOperation.ISSUE_TOKEN).outcome()).isEqualTo(Fault.status(429));
			assertThat(emulator.faults().decide(AcsOperation.CREATE_IDENTITY).outcome()).isNull();
		}
	}

	@Test
	void startWhenFaultsContradictThenRefusedBeforeStarting() {
		AcsEmulatorProperties properties = new AcsEmulatorProperties(null, 0, null, null,
				new AcsEmulatorProperties.Faults(null, 503, null, true, null, null, null), null);
		assertThatIllegalArgumentException().isThrownBy(properties::start);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(AcsEmulatorProperties.class)
	static class PropertiesConfiguration {

	}

}
