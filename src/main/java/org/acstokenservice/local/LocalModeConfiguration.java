package org.acstokenservice.local;

import java.util.List;
import java.util.Map;

import org.acstokenservice.acs.AcsConnectionDetails;
import org.acstokenservice.acs.AcsProperties;
import org.acstokenservice.acs.AcsResourceConnection;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorProperties;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.acstokenservice.identity.AcsResourceAssignment;
import org.acstokenservice.identity.ClaimResourceAssignment;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.security.SignInClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * What local mode adds to the service: the embedded ACS emulator, the connection details
 * that point the ACS client at it, and the demo users.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnLocalMode
@EnableConfigurationProperties(AcsEmulatorProperties.class)
class LocalModeConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LocalModeConfiguration.class);

	/** Local mode's second ACS resource. */
	static final String EU = "eu";

	/** The claim that names a demo user's region. */
	static final String REGION_CLAIM = "region";

	/**
	 * The embedded emulator, unless a test provides its own connection details (to share
	 * one emulator between several instances, say). Component scanning finds this class
	 * on its own, so it repeats the outer condition.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnLocalMode
	@ConditionalOnMissingBean(AcsConnectionDetails.class)
	static class EmbeddedEmulator {

		@Bean(destroyMethod = "close")
		AcsEmulator acsEmulator(AcsEmulatorProperties properties) {
			if (!LocalMode.isLoopback(properties.host())) {
				throw new IllegalStateException("acs.emulator.host: local mode's embedded emulator serves on a "
						+ "loopback address only; run the emulator alone (--spring.profiles.active=emulator) to "
						+ "serve it elsewhere");
			}
			AcsEmulator emulator = properties.start();
			logger.warn(
					"LOCAL MODE: tokens come from the embedded ACS emulator at {} and are worthless against real "
							+ "ACS. Configure ACS_CONNECTION_STRING or ACS_ENDPOINT for a real resource.",
					emulator.endpoint());
			return emulator;
		}

		@Bean
		AcsConnectionDetails emulatorConnectionDetails(AcsEmulator emulator) {
			return AcsConnectionDetails.ofConnectionString(emulator.connectionString(), emulator.certificate());
		}

		/**
		 * A second ACS resource, {@code eu}, as an application with a resource per data
		 * location has: an emulator of its own, with its own access key, on a free port,
		 * its state beside the first one's ({@code data/emulator-eu}).
		 */
		@Bean
		SecondEmulator euEmulator(AcsEmulatorProperties properties) {
			AcsEmulatorSettings settings = properties.toSettings().withPort(0).withAccessKey(null);
			if (settings.dataDirectory() != null) {
				settings = settings.withDataDirectory(
						settings.dataDirectory().resolveSibling(settings.dataDirectory().getFileName() + "-eu"));
			}
			AcsEmulator emulator = AcsEmulator.start(settings);
			logger.warn("LOCAL MODE: ACS resource eu is a second embedded emulator at {}", emulator.endpoint());
			return new SecondEmulator(emulator);
		}

		@Bean
		AcsResourceConnection euConnection(SecondEmulator eu) {
			return new AcsResourceConnection(EU, AcsConnectionDetails
				.ofConnectionString(eu.emulator().connectionString(), eu.emulator().certificate()));
		}

		/**
		 * The demo users' resources: by the claim {@code region}, {@code eu} for carol,
		 * the default resource for the others; {@code acs.assignment.*} instead when it
		 * names a claim.
		 */
		@Bean
		AcsResourceAssignment localModeAssignment(AcsProperties acs) {
			AcsProperties.Assignment assignment = (acs.assignment().claim() != null) ? acs.assignment()
					: new AcsProperties.Assignment(REGION_CLAIM, Map.of(EU, EU), AcsResources.DEFAULT);
			return new ClaimResourceAssignment(assignment);
		}

	}

	/** The second emulator, a type of its own beside the {@link AcsEmulator} bean. */
	record SecondEmulator(AcsEmulator emulator) implements AutoCloseable {

		@Override
		public void close() {
			this.emulator.close();
		}

	}

	/**
	 * The demo users: password = user name. {@code alice} may have every scope,
	 * {@code bob} only chat, {@code admin} has role ADMIN; {@code carol}, tier standard,
	 * has the claim {@code region=eu}, which puts her identity in ACS resource
	 * {@code eu}.
	 * <p>
	 * Only the look-up is exposed. A {@code UserDetailsPasswordService} would have Spring
	 * Security "upgrade" each {@code {noop}} password to BCrypt at the first sign-in, and
	 * every later request would then pay about 100 ms for a BCrypt check (measured in
	 * {@code docs/benchmarks/2026-11-29-performance.md}). Hashing would protect nothing:
	 * the passwords are the user names and are printed here.
	 */
	@Bean
	@Conditional(DemoUsersCondition.class)
	UserDetailsService demoUsers() {
		logger.warn(
				"LOCAL MODE: demo users alice, bob, carol and admin sign in over HTTP Basic with password = user name");
		Map<String, DemoUser> users = Map.of("alice",
				new DemoUser("alice", AppUser.tierAuthority("standard"), Map.of()), "bob",
				new DemoUser("bob", AppUser.tierAuthority("basic"), Map.of()), "carol",
				new DemoUser("carol", AppUser.tierAuthority("standard"), Map.of(REGION_CLAIM, EU)), "admin",
				new DemoUser("admin", AppUser.roleAuthority(AppUser.ADMIN), Map.of()));
		return (name) -> {
			DemoUser user = users.get(name);
			if (user == null) {
				throw new UsernameNotFoundException("No such demo user");
			}
			// A copy each time: Spring Security erases the password of the one it gets.
			return new DemoUser(user.getUsername(), user.authority, user.claims);
		};
	}

	/** A demo user, with claims as a JWT would carry them. */
	static final class DemoUser extends User implements SignInClaims {

		private final String authority;

		private final Map<String, Object> claims;

		DemoUser(String name, String authority, Map<String, Object> claims) {
			super(name, "{noop}" + name, List.of(new SimpleGrantedAuthority(authority)));
			this.authority = authority;
			this.claims = claims;
		}

		@Override
		public Map<String, Object> claims() {
			return this.claims;
		}

	}

}
