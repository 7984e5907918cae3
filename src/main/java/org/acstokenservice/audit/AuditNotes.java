package org.acstokenservice.audit;

import org.jspecify.annotations.Nullable;

/**
 * What a request's work learns on the way, for the one audit row that records how it
 * ended. Belongs to one request and its thread.
 */
public final class AuditNotes {

	private AuditEntry entry;

	private @Nullable String communicationUserId;

	private boolean changedNothing;

	private boolean reused;

	AuditNotes(AuditEntry entry) {
		this.entry = entry;
	}

	/** The request acts in this ACS resource. */
	public void in(String resource) {
		this.entry = this.entry.in(resource);
	}

	/** Replaces the entry's detail. */
	public void detail(String detail) {
		this.entry = this.entry.withDetail(detail);
	}

	/** The ACS identity the request concerned. */
	public void concerning(String communicationUserId) {
		this.communicationUserId = communicationUserId;
	}

	/**
	 * The request changed nothing and obtained nothing new from ACS after all (a token
	 * handed back again): its row need not be committed before the answer.
	 */
	public void changedNothing() {
		this.changedNothing = true;
	}

	/**
	 * A token handed back again (a reuse hit): counted in its user's row for the period
	 * rather than written as a row of its own.
	 */
	public void reused() {
		this.changedNothing = true;
		this.reused = true;
	}

	AuditEntry entry() {
		return this.entry;
	}

	@Nullable String communicationUserId() {
		return this.communicationUserId;
	}

	boolean isChangedNothing() {
		return this.changedNothing;
	}

	boolean isReused() {
		return this.reused;
	}

}
