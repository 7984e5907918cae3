package org.acstokenservice.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Local mode for a test context: an in-memory database and an emulator directory of its
 * own, so that contexts neither see each other's identities nor write to {@code ./data}.
 * <p>
 * An initializer takes part in Spring's context cache key by its class, not by the values
 * it produces: test classes with equal configuration share one context, and every new
 * context still gets a fresh database. Classes that share a context keep their data apart
 * by user ids ({@link TestUsers}).
 */
public final class LocalModeTestProperties implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		TestPropertyValues
			.of("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
					"acs.emulator.data-dir=" + temporaryDirectory("acs-emulator-"))
			.applyTo(context);
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
