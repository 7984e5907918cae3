package org.acstokenservice.local;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches only in local mode without a JWT issuer. There is no property that turns demo
 * users on, so that no configuration can bring them to production.
 */
class DemoUsersCondition extends SpringBootCondition {

	private static final String JWT_PREFIX = "spring.security.oauth2.resourceserver.jwt.";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		if (!LocalMode.isActive(environment)) {
			return ConditionOutcome.noMatch("a real ACS resource is configured");
		}
		if (jwtConfigured(environment)) {
			return ConditionOutcome.noMatch("a JWT issuer is configured");
		}
		return ConditionOutcome.match("local mode without a JWT issuer");
	}

	private static boolean jwtConfigured(Environment environment) {
		return StringUtils.hasText(environment.getProperty(JWT_PREFIX + "issuer-uri"))
				|| StringUtils.hasText(environment.getProperty(JWT_PREFIX + "jwk-set-uri"))
				|| StringUtils.hasText(environment.getProperty(JWT_PREFIX + "public-key-location"));
	}

}
