package org.acstokenservice;

import java.time.Clock;

import org.acstokenservice.emulator.EmulatorApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Profiles;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The ACS Token Service. With the {@code emulator} profile the jar serves only the ACS
 * emulator, for other programs and the benchmarks.
 */
@SpringBootApplication
public class AcsTokenServiceApplication {

	static final String EMULATOR_PROFILE = "emulator";

	public static void main(String[] args) {
		if (emulatorOnly(args)) {
			EmulatorApplication.run(args);
			return;
		}
		SpringApplication.run(AcsTokenServiceApplication.class, args);
	}

	/** The one clock of every feature, so that tests can move time. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/**
	 * Whether the profile is active, from the arguments or the environment as Spring
	 * reads it.
	 */
	static boolean emulatorOnly(String[] args) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
		return environment.acceptsProfiles(Profiles.of(EMULATOR_PROFILE));
	}

}
