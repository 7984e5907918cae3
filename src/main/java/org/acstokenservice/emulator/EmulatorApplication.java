package org.acstokenservice.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code ACS_EMULATOR_PORT=8443} and so on), with faults for benchmarks against a flaky
 * ACS: {@code [--acs.emulator.faults.latency=200ms] [--acs.emulator.faults.status=503]
 * [--acs.emulator.faults.retry-after=2s] [--acs.emulator.faults.share=0.1]} (see
 * {@link FaultProperties}).
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
		EmulatorProperties properties = properties(environment);
		AcsEmulatorSettings settings = properties.toSettings();
		// Checked before start-up, so that bad fault settings stop it.
		FaultProperties faults = (properties.faults() != null) ? properties.faults() : FaultProperties.NONE;
		List<Fault> configured = faults.toFaults();
		AcsEmulator emulator = AcsEmulator.start(settings);
		faults.applyTo(emulator.faults(), configured);
		return emulator;
	}

	static AcsEmulatorSettings settings(ConfigurableEnvironment environment) {
		return properties(environment).toSettings();
	}

	private static EmulatorProperties properties(ConfigurableEnvironment environment) {
		return Binder.get(environment).bindOrCreate("acs.emulator", EmulatorProperties.class);
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
	 * @param faults faults to inject from the start, for benchmarks against a flaky ACS;
	 * none unless set
	 */
	record EmulatorProperties(String host, int port, String accessKey, String dataDir, FaultProperties faults) {

		AcsEmulatorSettings toSettings() {
			Path directory = (this.dataDir != null && !this.dataDir.isBlank()) ? Path.of(this.dataDir) : null;
			return new AcsEmulatorSettings(this.host, this.port, this.accessKey, directory, null);
		}

	}

	/**
	 * The {@code acs.emulator.faults.*} properties: each fault set here is injected into
	 * the given share of requests (see {@link FaultInjector}), e.g.
	 * {@code --acs.emulator.faults.latency=200ms --acs.emulator.faults.status=503
	 * --acs.emulator.faults.retry-after=2s --acs.emulator.faults.share=0.1}.
	 *
	 * @param latency holds answers back this long; none unless set
	 * @param status answers this status (e.g. 429, 500, 503) instead of doing the
	 * operation; none unless set
	 * @param retryAfter the {@code Retry-After} sent with {@code status}; none unless set
	 * @param drop closes the connection without answering instead of doing the operation;
	 * not with {@code status}
	 * @param share the share of requests, between 0 and 1, that each fault hits,
	 * independently; 1 (every request) unless set
	 * @param operation the only operation faulted (e.g. {@code create-identity}); every
	 * operation unless set
	 * @param seed the seed of the random draws for {@code share}; fixed unless set, so
	 * that runs are repeatable
	 */
	record FaultProperties(Duration latency, Integer status, Duration retryAfter, boolean drop, Double share,
			AcsOperation operation, Long seed) {

		static final FaultProperties NONE = new FaultProperties(null, null, null, false, null, null, null);

		List<Fault> toFaults() {
			if (this.status != null && this.drop) {
				throw new IllegalArgumentException("acs.emulator.faults.status and .drop cannot both be set");
			}
			if (this.retryAfter != null && this.status == null) {
				throw new IllegalArgumentException("acs.emulator.faults.retry-after needs acs.emulator.faults.status");
			}
			List<Fault> faults = new ArrayList<>();
			if (this.latency != null) {
				faults.add(Fault.latency(this.latency));
			}
			if (this.status != null) {
				faults.add((this.retryAfter != null) ? Fault.status(this.status, this.retryAfter)
						: Fault.status(this.status));
			}
			if (this.drop) {
				faults.add(Fault.drop());
			}
			if (this.share != null && !(this.share >= 0 && this.share <= 1)) {
				throw new IllegalArgumentException(
						"acs.emulator.faults.share must be between 0 and 1, not " + this.share);
			}
			return faults;
		}

		void applyTo(FaultInjector injector, List<Fault> faults) {
			if (this.seed != null) {
				injector.seed(this.seed);
			}
			double everyOrShare = (this.share != null) ? this.share : 1.0;
			for (Fault fault : faults) {
				if (this.operation != null) {
					injector.injectShare(everyOrShare, this.operation, fault);
				}
				else {
					injector.injectShare(everyOrShare, fault);
				}
			}
		}

	}

}
