package org.acstokenservice.policy;

import java.time.Clock;

import org.acstokenservice.ratelimit.BucketStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PolicyProperties.class)
class PolicyConfiguration {

	/**
	 * The policy, with every {@link EligibilityRule} bean the application declares, in
	 * order.
	 */
	@Bean
	EligibilityPolicy eligibilityPolicy(PolicyProperties properties, ObjectProvider<EligibilityRule> rules, Clock clock,
			BucketStore buckets) {
		return new EligibilityPolicy(properties, rules.orderedStream().toList(), clock, buckets);
	}

}
