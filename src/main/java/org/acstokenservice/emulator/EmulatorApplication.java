package org.acstokenservice.emulator;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Runs the {@link AcsEmulator} on its own, for other programs and benchmarks, configured
 * the Spring way from arguments or the environment:
 * {@code --acs.emulator.port=8443 --acs.emulator.access-key=BASE64KEY
 * [--acs.emulator.data-dir=DIR] [--acs.emulator.host=127.0.0.1]} (or
 * {@code ACS_EMULATOR_PORT=8443} and so on).
 * <p>
 * It binds the properties with Boot's {@link Binder} rather than starting an application
 * context: nothing of the rest of the service is scanned, configured or started.
 */
public final class EmulatorApplication {

	private EmulatorApplication() {
	}

	public static void main(String[] args) {
		run(args);
	}

	/**
	 * Starts the emulator and blocks until the JVM shuts down, which closes it.
	 * @param args Spring-style {@code --acs.emulator.*} arguments
	 */
	public static void run(String[] args) {
		ConfigurableEnvironment environment = environment(args);
		initializeLogging(environment);
		AcsEmulator emulator = start(environment);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			emulator.close();
			stopped.countDown();
		}, "acs-emulator-shutdown"));
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			emulator.close();
			Thread.currentThread().interrupt();
		}
	}

	static ConfigurableEnvironment environment(String[] args) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
		// Relaxed names: --acs.emulator.data-dir, ACS_EMULATOR_DATA_DIR, ...
		ConfigurationPropertySources.attach(environment);
		return environment;
	}

	static AcsEmulator start(ConfigurableEnvironment environment) {
		return AcsEmulator.start(settings(environment));
	}

	static AcsEmulatorSettings settings(ConfigurableEnvironment environment) {
		EmulatorProperties properties = Binder.get(environment).bindOrCreate("acs.emulator", EmulatorProperties.class);
		return properties.toSettings();
	}

	/** Boot's console logging at INFO, as a Boot application would have it. */
	private static void initializeLogging(ConfigurableEnvironment environment) {
		LoggingSystem loggingSystem = LoggingSystem.get(EmulatorApplication.class.getClassLoader());
		loggingSystem.beforeInitialize();
		loggingSystem.initialize(new LoggingInitializationContext(environment), null, null);
	}

	/**
	 * The {@code acs.emulator.*} properties.
	 *
	 * @param host the address to bind; 127.0.0.1 unless set
	 * @param port the port to bind; a free one unless set
	 * @param accessKey the base64 access key clients sign with; random unless set
	 * @param dataDir where state survives restarts; in memory unless set
	 */
	record EmulatorProperties(String host, int port, String accessKey, String dataDir) {

		AcsEmulatorSettings toSettings() {
			Path directory = (this.dataDir != null && !this.dataDir.isBlank()) ? Path.of(this.dataDir) : null;
			return new AcsEmulatorSettings(this.host, this.port, this.accessKey, directory, null);
		}

	}

}
