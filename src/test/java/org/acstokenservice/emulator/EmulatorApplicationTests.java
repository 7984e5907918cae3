package org.acstokenservice.emulator;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EmulatorApplicationTests {

	private static final String KEY = "dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=";

	@TempDir
	Path dataDirectory;

	@Test
	void settingsWhenArgumentsThenBound() {
		AcsEmulatorSettings settings = EmulatorApplication.settings(EmulatorApplication
			.environment(new String[] { "--acs.emulator.port=8443", "--acs.emulator.access-key=" + KEY,
					"--acs.emulator.data-dir=" + this.dataDirectory, "--acs.emulator.host=localhost" }));
		assertThat(settings.port()).isEqualTo(8443);
		assertThat(settings.accessKey()).isEqualTo(KEY);
		assertThat(settings.dataDirectory()).isEqualTo(this.dataDirectory);
		assertThat(settings.host()).isEqualTo("localhost");
	}

	@Test
	void settingsWhenNoArgumentsThenInMemoryOnLoopback() {
		AcsEmulatorSettings settings = EmulatorApplication.settings(EmulatorApplication.environment(new String[0]));
		assertThat(settings.host()).isEqualTo("127.0.0.1");
		assertThat(settings.port()).isZero();
		assertThat(settings.accessKey()).isNull();
		assertThat(settings.dataDirectory()).isNull();
	}

	@Test
	void settingsWhenAccessKeyNotBase64ThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> EmulatorApplication
			.settings(EmulatorApplication.environment(new String[] { "--acs.emulator.access-key=not base64!" })));
	}

	@Test
	void startWhenArgumentsThenServesWithThatKey() {
		try (AcsEmulator emulator = EmulatorApplication.start(EmulatorApplication.environment(new String[] {
				"--acs.emulator.access-key=" + KEY, "--acs.emulator.data-dir=" + this.dataDirectory }))) {
			assertThat(emulator.connectionString()).endsWith(";accesskey=" + KEY);
			assertThat(emulator.certificateFile()).isEqualTo(this.dataDirectory.resolve("acs-emulator-cert.pem"));
			assertThat(TestClients.sdk(emulator).createUser().getId()).startsWith("8:acs:" + emulator.resourceId());
		}
	}

}
