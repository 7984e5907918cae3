package org.acstokenservice.emulator;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;

import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class AcsEmulatorSettingsTests {

	private static final String KEY = "dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=";

	@Test
	void inMemoryWhenCreatedThenLoopbackFreePortRandomKeySystemClock() {
		AcsEmulatorSettings settings = AcsEmulatorSettings.inMemory();
		assertThat(settings.host()).isEqualTo("127.0.0.1");
		assertThat(settings.port()).isZero();
		assertThat(settings.accessKey()).isNull();
		assertThat(settings.dataDirectory()).isNull();
		assertThat(settings.clock()).isEqualTo(Clock.systemUTC());
		assertThat(settings.limits()).isEqualTo(LimitSettings.acs());
	}

	@Test
	void withLimitsWhenGivenThenKeptAndNullMeansAcs() {
		LimitSettings small = LimitSettings.acs().withEveryLimit(3);
		assertThat(AcsEmulatorSettings.inMemory().withLimits(small).limits()).isEqualTo(small);
		assertThat(AcsEmulatorSettings.inMemory().withLimits(small).withPort(8443).limits()).isEqualTo(small);
		assertThat(AcsEmulatorSettings.inMemory().withLimits(null).limits()).isEqualTo(LimitSettings.acs());
	}

	@Test
	void persistentInWhenDirectoryThenKept() {
		assertThat(AcsEmulatorSettings.persistentIn(Path.of("data")).dataDirectory()).isEqualTo(Path.of("data"));
	}

	@Test
	void constructorWhenPortOutOfRangeThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> AcsEmulatorSettings.inMemory().withPort(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> AcsEmulatorSettings.inMemory().withPort(65536));
	}

	@Test
	void constructorWhenAccessKeyNotBase64ThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> AcsEmulatorSettings.inMemory().withAccessKey("%%%"));
		assertThatIllegalArgumentException().isThrownBy(() -> AcsEmulatorSettings.inMemory().withAccessKey(""));
	}

	@Test
	void startWhenPortInUseThenFailsClearly() {
		try (AcsEmulator first = AcsEmulator.start(AcsEmulatorSettings.inMemory())) {
			int port = first.endpoint().getPort();
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> AcsEmulator.start(AcsEmulatorSettings.inMemory().withPort(port)))
				.withMessageContaining("127.0.0.1:" + port);
		}
	}

	@Test
	void toStringWhenAccessKeySetThenLeftOut() {
		assertThat(AcsEmulatorSettings.inMemory().withAccessKey(KEY).toString()).doesNotContain(KEY)
			.contains("accessKey=(set)");
	}

	@Test
	void startWhenStartedThenEndpointLoggedButNeitherKeyNorConnectionString(CapturedOutput output) {
		try (AcsEmulator emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory().withAccessKey(KEY))) {
			assertThat(output.getAll()).contains("listening at " + emulator.endpoint())
				.doesNotContain(KEY)
				.doesNotContainIgnoringCase("accesskey=");
		}
	}

}
