package org.acstokenservice.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.acs.AcsException;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.identity.JdbcIdentityStore.PendingDeletion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes ACS identities: a user's erasure (the right to erasure), identities that no
 * user is mapped to any more (surplus from a lost race, or replaced), and the retries of
 * deletions that ACS did not confirm.
 * <ul>
 * <li>Erasure forgets the mapping before it deletes at ACS, so that the identity is never
 * handed out again, and queues the deletion in the same transaction, so that it is never
 * forgotten either.</li>
 * <li>A queued deletion is retried with a growing back-off until ACS confirms it (or says
 * that it has no such identity).</li>
 * <li>Every time here is the database's: the instances of a fleet compare the same
 * deadlines, whatever their own clocks say.</li>
 * </ul>
 */
public class IdentityDeletions {

	private static final Logger logger = LoggerFactory.getLogger(IdentityDeletions.class);

	private static final Duration MAX_BACKOFF = Duration.ofHours(1);

	/** How long one instance keeps a due deletion to itself while it calls ACS. */
	static final Duration CLAIM = Duration.ofMinutes(5);

	/** How many deletions one round of the retry job tries at most. */
	private static final int ROUND = 100;

	private final JdbcIdentityStore store;

	private final AcsResources acs;

	private final ReusableTokens reusable;

	private final IdentityCache cache;

	private final MeterRegistry meters;

	IdentityDeletions(JdbcIdentityStore store, IdentityCache cache, AcsResources acs, ReusableTokens reusable,
			MeterRegistry meters) {
		this.store = store;
		this.cache = cache;
		this.acs = acs;
		this.reusable = reusable;
		this.meters = meters;
	}

	/**
	 * Erases the user's identities in every resource, here and at ACS. If ACS fails, the
	 * deletion stays queued and is retried, and the {@link AcsException} tells the caller
	 * (after every other deletion was tried).
	 * @return {@code false} when there was nothing to erase
	 */
	public boolean erase(String appUserId) {
		Instant now = this.store.databaseNow();
		/*
		 * Claimed for this request, which deletes it at ACS next: the retry job does not
		 * try it at the same time, and takes it over if this request never finishes. On
		 * the database's clock, which the job compares with: an instance whose clock is
		 * behind would otherwise make its own claim due at once.
		 */
		List<String> forgotten = this.store.forgetAndQueueDeletion(appUserId, now, now.plus(CLAIM));
		long committed = System.nanoTime();
		this.cache.forget(appUserId);
		forgotten.forEach(this.reusable::forget);
		List<PendingDeletion> pending = this.store.pendingDeletionsOf(appUserId);
		if (forgotten.isEmpty() && pending.isEmpty()) {
			return false;
		}
		AcsException failed = null;
		for (PendingDeletion deletion : pending) {
			try {
				if (deleteAtAcs(deletion)) {
					count(this.meters, "erased");
				}
			}
			catch (AcsException ex) {
				// The others are still tried: each resource fails on its own.
				failed = ex;
			}
		}
		// Whatever ACS said, no instance may hand out a token of these identities
		// once this is answered: they are forgotten everywhere first.
		this.cache.awaitEverywhere(committed);
		if (failed != null) {
			throw failed;
		}
		logger.info("Erased the ACS identities of app user {}", appUserId);
		return true;
	}

	/**
	 * Retries the deletions that ACS has not confirmed yet, at most a round's worth.
	 * @return how many were completed
	 */
	public int retryPendingDeletions() {
		int done = 0;
		Instant now = this.store.databaseNow();
		for (PendingDeletion pending : this.store.pendingDeletionsDue(now, ROUND)) {
			if (!this.store.claimDeletion(pending.communicationUserId(), now, now.plus(CLAIM))) {
				continue;
			}
			try {
				if (deleteAtAcs(pending)) {
					done++;
				}
			}
			catch (AcsException ex) {
				logger.warn("Deletion of ACS identity {} still pending after {} attempts: {}",
						pending.communicationUserId(), pending.attempts() + 1, ex.getMessage());
			}
		}
		return done;
	}

	/**
	 * Deletes at ACS an identity that no user is mapped to. When ACS fails, the deletion
	 * is queued and retried like an erasure; when the database cannot take it either (it
	 * may be why the identity is surplus), the identity is logged at ERROR so that an
	 * operator can delete it. Never throws: the caller is already on its way out.
	 */
	void deleteSurplus(String appUserId, String resource, String communicationUserId) {
		try {
			this.acs.gateway(resource).deleteIdentity(communicationUserId);
			count(this.meters, "surplus_deleted");
			return;
		}
		catch (AcsException ex) {
			if (ex.kind() == AcsException.Kind.IDENTITY_NOT_FOUND) {
				return;
			}
			logger.warn("Could not delete surplus ACS identity {} of app user {} ({}): queuing its deletion",
					communicationUserId, appUserId, ex.getMessage());
		}
		try {
			Instant now = this.store.databaseNow();
			this.store.queueDeletion(communicationUserId, appUserId, resource, now, now.plus(backoff(0)));
		}
		catch (RuntimeException ex) {
			logger.error("Surplus ACS identity {} of app user {} could be neither deleted at ACS nor queued for "
					+ "deletion ({}): delete it at ACS by hand", communicationUserId, appUserId, ex.toString());
		}
	}

	/**
	 * @return {@code false} when the identity's resource is not configured (any more):
	 * the deletion waits, retried with its back-off, for the configuration to name it
	 * again
	 */
	private boolean deleteAtAcs(PendingDeletion pending) {
		if (!this.acs.contains(pending.resource())) {
			logger.warn("Deletion of ACS identity {} waits: its resource {} is not configured",
					pending.communicationUserId(), pending.resource());
			this.store.deletionFailed(pending.communicationUserId(),
					this.store.databaseNow().plus(backoff(pending.attempts())));
			return false;
		}
		try {
			this.acs.gateway(pending.resource()).deleteIdentity(pending.communicationUserId());
		}
		catch (AcsException ex) {
			if (ex.kind() != AcsException.Kind.IDENTITY_NOT_FOUND) {
				this.store.deletionFailed(pending.communicationUserId(),
						this.store.databaseNow().plus(backoff(pending.attempts())));
				throw ex;
			}
			// Already gone at ACS: the deletion is complete all the same.
		}
		this.store.deletionDone(pending.communicationUserId());
		return true;
	}

	/** 30 s, 1 min, 2 min, … up to an hour between tries. */
	static Duration backoff(int failedAttempts) {
		Duration backoff = Duration.ofSeconds(30).multipliedBy(1L << Math.min(failedAttempts, 7));
		return (backoff.compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : backoff;
	}

	/**
	 * Counts an event in the life of identities: created, replaced (stale), erased,
	 * surplus_deleted.
	 */
	static void count(MeterRegistry meters, String event) {
		Counter.builder("acs.identities")
			.description("ACS identities created, replaced (stale) and erased, and surplus ones deleted")
			.tag("event", event)
			.register(meters)
			.increment();
	}

}
