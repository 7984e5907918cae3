package org.acstokenservice.system;

import java.time.Clock;

import org.apache.tomcat.util.buf.EncodedSolidusHandling;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Beans that every feature shares. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpProperties.class)
// One switch for the service's background jobs: deletion retries and audit retention.
@EnableScheduling
class SystemConfiguration {

	/** The one clock, so that tests can move time. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/**
	 * Tomcat refuses an encoded slash in a path ({@code /users/a%2Fb/identity}) with its
	 * own HTML page, before anything of the service runs. Passed through, Spring
	 * Security's firewall refuses it instead, and the answer is a problem like any other.
	 */
	@Bean
	TomcatConnectorCustomizer encodedSlashesReachTheFirewall() {
		return (connector) -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
	}

	@Bean
	RequestBodyLimitFilter requestBodyLimitFilter(HttpProperties properties, Problems problems) {
		return new RequestBodyLimitFilter(properties.maxRequestBody().toBytes(), problems);
	}

}
