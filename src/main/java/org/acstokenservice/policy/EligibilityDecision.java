package org.acstokenservice.policy;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A rule's answer. A denial carries a reason code, such as {@code subscription_expired},
 * that reaches the problem body ({@code reason}) and the log.
 */
public record EligibilityDecision(boolean allowed, @Nullable String reason) {

	private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9_]{0,63}");

	private static final EligibilityDecision ALLOW = new EligibilityDecision(true, null);

	public EligibilityDecision {
		if (!allowed && (reason == null || !REASON.matcher(reason).matches())) {
			throw new IllegalArgumentException("A denial needs a reason code in snake_case, such as 'unpaid'");
		}
	}

	public static EligibilityDecision allow() {
		return ALLOW;
	}

	public static EligibilityDecision deny(String reason) {
		return new EligibilityDecision(false, reason);
	}

}
