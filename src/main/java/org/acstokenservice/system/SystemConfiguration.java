package org.acstokenservice.system;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans that every feature shares. */
@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

	/** The one clock, so that tests can move time. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
