package org.acstokenservice.audit;

import org.acstokenservice.audit.AuditEvent.Action;

/**
 * What a request asks for, to be recorded with its outcome by
 * {@link AuditTrail#succeeded} or {@link AuditTrail#refused}.
 *
 * @param action what is asked for
 * @param actor the signed-in user who asks
 * @param subject the app user it concerns
 * @param detail scopes, lifetime or tier, for the record; may be {@code null}
 */
public record AuditEntry(Action action, String actor, String subject, String detail) {

	/** A request that a user makes about themselves. */
	public static AuditEntry of(Action action, String actor) {
		return new AuditEntry(action, actor, actor, null);
	}

	/** The same request, about another app user ({@code null} when not known). */
	public AuditEntry about(String subject) {
		return new AuditEntry(this.action, this.actor, subject, this.detail);
	}

	public AuditEntry withDetail(String detail) {
		return new AuditEntry(this.action, this.actor, this.subject, detail);
	}

}
