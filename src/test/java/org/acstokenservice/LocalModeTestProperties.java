package org.acstokenservice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Local mode for a test: an in-memory database and an emulator directory of its own, so
 * that tests neither see each other's identities nor write to {@code ./data}.
 */
public final class LocalModeTestProperties {

	private LocalModeTestProperties() {
	}

	public static void register(DynamicPropertyRegistry registry) {
		String database = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		Path emulatorDir = temporaryDirectory("acs-emulator-");
		registry.add("spring.datasource.url", () -> database);
		registry.add("acs.emulator.data-dir", emulatorDir::toString);
	}

	public static Path temporaryDirectory(String prefix) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
