package org.acstokenservice.policy;

/**
 * An application's own condition for issuing a token, such as "only users with a paid
 * subscription". Declare one as a bean and the policy asks it after its own checks; the
 * first rule that denies decides. A rule never calls ACS.
 */
@FunctionalInterface
public interface EligibilityRule {

	EligibilityDecision evaluate(EligibilityRequest request);

}
