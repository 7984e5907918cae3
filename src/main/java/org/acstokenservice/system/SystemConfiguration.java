package org.acstokenservice.system;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans that every feature shares. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpProperties.class)
class SystemConfiguration {

	/** The one clock, so that tests can move time. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	RequestBodyLimitFilter requestBodyLimitFilter(HttpProperties properties, Problems problems) {
		return new RequestBodyLimitFilter(properties.maxRequestBody().toBytes(), problems);
	}

}
