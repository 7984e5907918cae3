package org.acstokenservice.emulator;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * {@code ACS_EMULATOR_PORT=8443} and so on), with faults for benchmarks against a flaky
 * ACS: {@code [--acs.emulator.faults.latency=200ms] [--acs.emulator.faults.status=503]
 * [--acs.emulator.faults.retry-after=2s] [--acs.emulator.faults.share=0.1]}, and ACS's
 * limits, on unless {@code --acs.emulator.limits.enabled=false} (or changed, e.g.
 * {@code --acs.emulator.limits.issue-token=100}) (see {@link AcsEmulatorProperties}).
 * <p>
 * It binds the properties with Boot's {@link Binder} rather than starting an application
 * context: nothing of the rest of the service is scanned, configured or started.
 */
public final class EmulatorApplication {

	private static final Logger logger = LoggerFactory.getLogger(EmulatorApplication.class);

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
		AcsEmulatorProperties properties = properties(environment);
		AcsEmulator emulator = properties.start();
		announce(emulator, properties, System.out);
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
		return properties(environment).start();
	}

	static AcsEmulatorSettings settings(ConfigurableEnvironment environment) {
		return properties(environment).toSettings();
	}

	static AcsEmulatorProperties properties(ConfigurableEnvironment environment) {
		return Binder.get(environment).bindOrCreate("acs.emulator", AcsEmulatorProperties.class);
	}

	/**
	 * Tells the user how to connect. A generated key is known to nobody else, so its
	 * connection string is printed once, to standard output rather than to a log line; a
	 * configured key is not repeated.
	 */
	static void announce(AcsEmulator emulator, AcsEmulatorProperties properties, PrintStream out) {
		if (properties.accessKey() == null) {
			out.println("ACS emulator connection string (generated key): " + emulator.connectionString());
		}
		else {
			logger.info("ACS emulator ready at {}; clients sign with the configured acs.emulator.access-key",
					emulator.endpoint());
		}
	}

	/** Boot's console logging at INFO, as a Boot application would have it. */
	private static void initializeLogging(ConfigurableEnvironment environment) {
		LoggingSystem loggingSystem = LoggingSystem.get(EmulatorApplication.class.getClassLoader());
		loggingSystem.beforeInitialize();
		loggingSystem.initialize(new LoggingInitializationContext(environment), null, null);
	}

}
