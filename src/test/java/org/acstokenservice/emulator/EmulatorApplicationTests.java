package org.acstokenservice.emulator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
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
		assertThat(settings.limits()).isEqualTo(LimitSettings.acs());
	}

	@Test
	void startWhenLimitArgumentsThenThrottledBeyondThem() {
		try (AcsEmulator emulator = EmulatorApplication
			.start(EmulatorApplication.environment(new String[] { "--acs.emulator.limits.create-identity=1" }))) {
			assertThat(createIdentity(emulator).statusCode()).isEqualTo(201);
			HttpResponse<String> throttled = createIdentity(emulator);
			assertThat(throttled.statusCode()).isEqualTo(429);
			assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
		}
	}

	@Test
	void startWhenLimitsDisabledThenNotThrottled() {
		try (AcsEmulator emulator = EmulatorApplication.start(EmulatorApplication.environment(
				new String[] { "--acs.emulator.limits.enabled=false", "--acs.emulator.limits.create-identity=1" }))) {
			assertThat(createIdentity(emulator).statusCode()).isEqualTo(201);
			assertThat(createIdentity(emulator).statusCode()).isEqualTo(201);
		}
	}

	@Test
	void startWhenLimitOutOfRangeThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmulatorApplication
				.start(EmulatorApplication.environment(new String[] { "--acs.emulator.limits.revoke=0" })))
			.withMessageContaining("acs.emulator.limits");
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

	@Test
	void startWhenFaultArgumentsThenEveryRequestFaulted() {
		try (AcsEmulator emulator = EmulatorApplication.start(EmulatorApplication
			.environment(new String[] { "--acs.emulator.faults.status=503", "--acs.emulator.faults.retry-after=2s",
					"--acs.emulator.faults.latency=200ms", "--acs.emulator.faults.operation=create-identity" }))) {
			long started = System.nanoTime();
			java.net.http.HttpResponse<String> response = TestClients.send(TestClients.raw(emulator),
					TestClients
						.signed(emulator, "POST", "/identities?api-version=2023-10-01", "{}",
								TestClients.accessKey(emulator), java.time.Instant.now())
						.build());
			assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
				.isGreaterThanOrEqualTo(java.time.Duration.ofMillis(200));
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
		}
	}

	@Test
	void startWhenFaultShareOutOfRangeThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> EmulatorApplication.start(EmulatorApplication
			.environment(new String[] { "--acs.emulator.faults.status=503", "--acs.emulator.faults.share=1.5" })));
	}

	@Test
	void startWhenStatusAndDropThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> EmulatorApplication.start(EmulatorApplication
			.environment(new String[] { "--acs.emulator.faults.status=503", "--acs.emulator.faults.drop=true" })));
	}

	private static java.net.http.HttpResponse<String> createIdentity(AcsEmulator emulator) {
		return TestClients.send(TestClients.raw(emulator),
				TestClients
					.signed(emulator, "POST", "/identities?api-version=2023-10-01", "{}",
							TestClients.accessKey(emulator), java.time.Instant.now())
					.build());
	}

	@Test
	void announceWhenKeyGeneratedThenConnectionStringPrintedOnceAndNotLogged(CapturedOutput output) {
		AcsEmulatorProperties properties = EmulatorApplication
			.properties(EmulatorApplication.environment(new String[0]));
		try (AcsEmulator emulator = properties.start()) {
			ByteArrayOutputStream printed = new ByteArrayOutputStream();
			EmulatorApplication.announce(emulator, properties, new PrintStream(printed, true, StandardCharsets.UTF_8));
			assertThat(printed.toString(StandardCharsets.UTF_8)).containsOnlyOnce(emulator.connectionString());
			assertThat(output.getAll()).doesNotContain(TestClients.accessKey(emulator));
		}
	}

	@Test
	void announceWhenKeyConfiguredThenKeyNotRepeated(CapturedOutput output) {
		AcsEmulatorProperties properties = EmulatorApplication
			.properties(EmulatorApplication.environment(new String[] { "--acs.emulator.access-key=" + KEY }));
		try (AcsEmulator emulator = properties.start()) {
			ByteArrayOutputStream printed = new ByteArrayOutputStream();
			EmulatorApplication.announce(emulator, properties, new PrintStream(printed, true, StandardCharsets.UTF_8));
			assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
			assertThat(output.getAll()).contains(emulator.endpoint().toString()).doesNotContain(KEY);
		}
	}

}
