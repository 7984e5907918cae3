package org.acstokenservice.audit;

import org.acstokenservice.audit.AuditEvent.Action;
import org.jspecify.annotations.Nullable;

/**
 * What a request asks for, to be recorded with its outcome by
 * {@link AuditTrail#succeeded} or {@link AuditTrail#refused}.
 *
 * @param action what is asked for
 * @param actor the signed-in user who asks
 * @param subject the app user it concerns
 * @param detail scopes, lifetime or tier, for the record
 * @param resource the ACS resource it acts in, when it acts in one
 */
public record AuditEntry(Action action, String actor, @Nullable String subject, @Nullable String detail,
		@Nullable String resource) {

	/** A request that a user makes about themselves. */
	public static AuditEntry of(Action action, String actor) {
		return new AuditEntry(action, actor, actor, null, null);
	}

	/** The same request, about another app user ({@code null} when not known). */
	public AuditEntry about(@Nullable String subject) {
		return new AuditEntry(this.action, this.actor, subject, this.detail, this.resource);
	}

	public AuditEntry withDetail(String detail) {
		return new AuditEntry(this.action, this.actor, this.subject, detail, this.resource);
	}

	/** The same, acting in an ACS resource. */
	public AuditEntry in(String resource) {
		return new AuditEntry(this.action, this.actor, this.subject, this.detail, resource);
	}

}
