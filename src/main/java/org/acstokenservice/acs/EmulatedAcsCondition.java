package org.acstokenservice.acs;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches in local mode: when no ACS resource is configured, so that the embedded
 * emulator stands in. The same rule as {@link AcsProperties#emulated()}, readable before
 * binding.
 */
public class EmulatedAcsCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return isEmulated(context.getEnvironment()) ? ConditionOutcome.match("no ACS resource is configured")
				: ConditionOutcome.noMatch("an ACS resource is configured");
	}

	public static boolean isEmulated(PropertyResolver environment) {
		return !StringUtils.hasText(environment.getProperty("acs.connection-string"))
				&& !StringUtils.hasText(environment.getProperty("acs.endpoint"));
	}

}
