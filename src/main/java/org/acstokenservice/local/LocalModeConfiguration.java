package org.acstokenservice.local;

import java.util.List;

import org.acstokenservice.acs.AcsConnectionDetails;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorProperties;
import org.acstokenservice.security.AppUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * What local mode adds to the service: the embedded ACS emulator, the connection details
 * that point the ACS client at it, and the demo users.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnLocalMode
@EnableConfigurationProperties(AcsEmulatorProperties.class)
class LocalModeConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LocalModeConfiguration.class);

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

	}

	/**
	 * The demo users: password = user name. {@code alice} may have every scope,
	 * {@code bob} only chat, {@code admin} has role ADMIN.
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
		logger.warn("LOCAL MODE: demo users alice, bob and admin sign in over HTTP Basic with password = user name");
		List<UserDetails> users = List.of(demoUser("alice", AppUser.tierAuthority("standard")),
				demoUser("bob", AppUser.tierAuthority("basic")),
				demoUser("admin", AppUser.roleAuthority(AppUser.ADMIN)));
		return new InMemoryUserDetailsManager(users)::loadUserByUsername;
	}

	private static UserDetails demoUser(String name, String authority) {
		return User.withUsername(name).password("{noop}" + name).authorities(authority).build();
	}

}
