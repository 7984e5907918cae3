package org.acstokenservice.audit;

import java.time.Instant;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One entry of the audit trail. Never holds a token value.
 *
 * @param occurredAt when it happened
 * @param action what was asked for
 * @param outcome how it ended
 * @param actor the signed-in user who asked, or {@code null} for the service itself
 * @param subject the app user it concerned
 * @param communicationUserId the ACS identity it concerned, if known
 * @param reason the error code or policy reason of a denial or failure
 * @param detail scopes, lifetime or tier, for the record
 * @param resource the ACS resource it acted in, when it acted in one
 */
public record AuditEvent(Instant occurredAt, Action action, Outcome outcome, @Nullable String actor,
		@Nullable String subject, @Nullable String communicationUserId, @Nullable String reason,
		@Nullable String detail, @Nullable String resource) {

	/** An event that acted in no particular ACS resource. */
	public AuditEvent(Instant occurredAt, Action action, Outcome outcome, @Nullable String actor,
			@Nullable String subject, @Nullable String communicationUserId, @Nullable String reason,
			@Nullable String detail) {
		this(occurredAt, action, outcome, actor, subject, communicationUserId, reason, detail, null);
	}

	private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

	/** This event with each value fitted to its column ({@link #fit}). */
	AuditEvent fitted() {
		return new AuditEvent(this.occurredAt, this.action, this.outcome, fit(this.actor, 255), fit(this.subject, 255),
				fit(this.communicationUserId, 512), fit(this.reason, 64), fit(this.detail, 512), this.resource);
	}

	/**
	 * Fits a value to its column. Control characters go: some values come from requests,
	 * and a line break in one could forge a log line.
	 */
	private static @Nullable String fit(@Nullable String value, int max) {
		if (value == null) {
			return null;
		}
		String clean = CONTROL.matcher(value).replaceAll("?");
		return (clean.length() <= max) ? clean : clean.substring(0, max);
	}

	/** What was asked for. */
	public enum Action {

		TOKEN_ISSUE,

		/**
		 * Tokens handed back again (reuse hits): one row per user, resource and period,
		 * with their count.
		 */
		TOKEN_REUSE,

		TOKEN_REVOKE, IDENTITY_ERASE, IDENTITY_LOOKUP, TEAMS_EXCHANGE

	}

	/** How it ended. */
	public enum Outcome {

		/** Done. */
		SUCCESS,

		/** Refused: the request or the user did not qualify. */
		DENIED,

		/** Not done: ACS or the service failed. */
		FAILED

	}

}
