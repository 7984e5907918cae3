package org.acstokenservice.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.acs.AcsException;
import org.acstokenservice.acs.AcsIdentityAndToken;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each app user's one ACS identity per ACS resource, issues its tokens and revokes
 * them. Erasure and the deletions at ACS that may need retrying are
 * {@link IdentityDeletions}'.
 * <ul>
 * <li>A user's first token creates the identity and the token in one ACS call. Concurrent
 * first requests in this instance wait for one creation; across instances the database's
 * unique key decides, and the losers delete what they created.</li>
 * <li>When ACS answers that it does not know a stored identity
 * ({@code IdentityNotFound}), the user gets a new one instead of an error, and the old
 * one is queued for deletion in case ACS still has it. No other answer replaces an
 * identity: that would detach the user from their chats.</li>
 * <li>A still fresh token issued before is handed back instead of a new one (see
 * {@link ReusableTokens}).</li>
 * </ul>
 */
public class IdentityService {

	private static final Logger logger = LoggerFactory.getLogger(IdentityService.class);

	/** How often one request reads the mapping again after it changed underneath. */
	private static final int MAX_PASSES = 3;

	private final JdbcIdentityStore store;

	private final AcsResources acs;

	private final ReusableTokens reusable;

	private final IdentityDeletions deletions;

	private final IdentityCache cache;

	private final Clock clock;

	private final OneAtATime creating = new OneAtATime();

	private final MeterRegistry meters;

	IdentityService(JdbcIdentityStore store, IdentityCache cache, AcsResources acs, ReusableTokens reusable,
			IdentityDeletions deletions, Clock clock, MeterRegistry meters) {
		this.store = store;
		this.cache = cache;
		this.acs = acs;
		this.reusable = reusable;
		this.deletions = deletions;
		this.clock = clock;
		this.meters = meters;
	}

	/**
	 * The user's stored identity in a resource, if the user has been issued a token there
	 * before.
	 */
	public Optional<StoredIdentity> find(String appUserId, String resource) {
		return this.store.findByAppUserId(appUserId, resource);
	}

	/**
	 * The app user an ACS identity belongs to, in whichever resource, if this service
	 * made it.
	 */
	public Optional<StoredIdentity> findByCommunicationUserId(String communicationUserId) {
		return this.store.findByCommunicationUserId(communicationUserId);
	}

	/**
	 * Issues a token for the user's identity in a resource, creating the identity on the
	 * first call there.
	 */
	public IssuedToken issueToken(String appUserId, String resource, Set<AcsScope> scopes, Duration lifetime) {
		/*
		 * Each pass reads the mapping afresh; a pass gives up (empty) when the mapping
		 * changed under it (replaced, erased, or created by another request), and the
		 * next pass sees the change. Passes run one after the other, never nested, so
		 * that a request never waits for a creation that it leads itself.
		 */
		for (int pass = 0; pass < MAX_PASSES; pass++) {
			// The first pass from memory when the fleet's change feed allows: a reuse hit
			// reads nothing.
			Optional<StoredIdentity> stored = (pass == 0) ? this.cache.find(appUserId, resource)
					: this.store.findByAppUserId(appUserId, resource);
			Optional<IssuedToken> issued = stored.isPresent() ? issueFor(stored.get(), scopes, lifetime)
					: createOrJoin(appUserId, resource, scopes, lifetime);
			if (issued.isPresent()) {
				return issued.get();
			}
		}
		throw new ProblemException(ErrorCode.ACS_UNAVAILABLE,
				"The user's ACS identity kept changing while the token was issued; try again.", Duration.ofSeconds(1),
				Map.of());
	}

	/**
	 * Revokes every token of the user's identities in every resource (an admin's
	 * revocation, which knows nothing of the user's sign-in).
	 * @return {@code false} when the user has no identity
	 */
	public boolean revokeTokensEverywhere(String appUserId) {
		boolean revoked = false;
		for (StoredIdentity identity : this.store.findAllByAppUserId(appUserId)) {
			if (!this.acs.contains(identity.resource())) {
				logger.warn("Tokens of ACS identity {} of app user {} not revoked: its resource {} is not configured",
						identity.communicationUserId(), appUserId, identity.resource());
				continue;
			}
			revoked |= revoke(appUserId, identity.resource());
		}
		awaitEverywhereIf(revoked);
		return revoked;
	}

	/**
	 * Revokes every token of the user's identity in a resource: recorded here first, so
	 * that this service hands out none of them again even if ACS fails, then at ACS, then
	 * here again. When the identity is replaced while its tokens are revoked, the new
	 * one's tokens were issued during the revocation, and are revoked too.
	 * @return {@code false} when the user has no identity there
	 */
	public boolean revokeTokens(String appUserId, String resource) {
		boolean revoked = revoke(appUserId, resource);
		awaitEverywhereIf(revoked);
		return revoked;
	}

	/**
	 * Every path that answers success waits here, once: what the revocation committed,
	 * and an erasure that it saw, committed before now. No instance may hand out a
	 * revoked token to a request received after the answer.
	 */
	private void awaitEverywhereIf(boolean revoked) {
		if (revoked) {
			this.cache.awaitEverywhere(System.nanoTime());
		}
	}

	/** Revokes without waiting for the fleet to hear of it. */
	private boolean revoke(String appUserId, String resource) {
		for (int pass = 0; pass < MAX_PASSES; pass++) {
			Optional<StoredIdentity> stored = this.store.findByAppUserId(appUserId, resource);
			if (stored.isEmpty()) {
				// Erased during an earlier pass: erasure deletes the identity at ACS.
				return pass > 0;
			}
			String communicationUserId = stored.get().communicationUserId();
			boolean marked = this.store.markRevoked(appUserId, communicationUserId, now());
			this.cache.forget(appUserId);
			if (!marked) {
				continue;
			}
			this.reusable.forget(communicationUserId);
			revokeAtAcs(appUserId, resource, communicationUserId);
			/*
			 * Again, now that ACS has revoked: a token that ACS issued while the
			 * revocation was on its way is revoked at ACS too, so it must not be reused
			 * either.
			 */
			boolean stillMapped = this.store.markRevoked(appUserId, communicationUserId, now());
			this.cache.forget(appUserId);
			this.reusable.forget(communicationUserId);
			logger.info("Revoked the tokens of app user {} ({})", appUserId, communicationUserId);
			if (stillMapped) {
				return true;
			}
		}
		throw new ProblemException(ErrorCode.ACS_UNAVAILABLE,
				"The user's ACS identity kept changing while its tokens were revoked; try again.",
				Duration.ofSeconds(1), Map.of());
	}

	private void revokeAtAcs(String appUserId, String resource, String communicationUserId) {
		try {
			this.acs.gateway(resource).revokeTokens(communicationUserId);
		}
		catch (AcsException ex) {
			if (ex.kind() == AcsException.Kind.IDENTITY_NOT_FOUND) {
				/*
				 * ACS no longer knows the identity: none of its tokens is valid any more,
				 * and the next token request replaces it.
				 */
				return;
			}
			/*
			 * ACS may have revoked before its answer was lost (a time-out): tokens issued
			 * since the first mark may be revoked at ACS, so none of them may be reused.
			 */
			try {
				this.store.markRevoked(appUserId, communicationUserId, now());
				this.cache.forget(appUserId);
				this.reusable.forget(communicationUserId);
			}
			catch (RuntimeException markFailed) {
				ex.addSuppressed(markFailed);
			}
			throw ex;
		}
	}

	private Optional<IssuedToken> issueFor(StoredIdentity identity, Set<AcsScope> scopes, Duration lifetime) {
		String communicationUserId = identity.communicationUserId();
		Instant now = now();
		Optional<AcsToken> fresh = this.reusable.find(communicationUserId, scopes, lifetime,
				identity.revocationGeneration(), now);
		if (fresh.isPresent()) {
			return Optional.of(new IssuedToken(communicationUserId, fresh.get(), true, null));
		}
		try {
			AcsToken token = this.acs.gateway(identity.resource()).issueToken(communicationUserId, scopes, lifetime);
			return Optional.of(IssuedToken.fresh(communicationUserId, token,
					new IssuedToken.Reuse(scopes, now, identity.revocationGeneration())));
		}
		catch (AcsException ex) {
			if (ex.kind() != AcsException.Kind.IDENTITY_NOT_FOUND) {
				throw ex;
			}
			return replaceStale(identity, scopes, lifetime);
		}
	}

	/**
	 * ACS no longer knows the stored identity: map the user to a new one.
	 * @return empty when another request replaced or erased the mapping first
	 */
	private Optional<IssuedToken> replaceStale(StoredIdentity stale, Set<AcsScope> scopes, Duration lifetime) {
		Instant now = now();
		AcsIdentityAndToken created = this.acs.gateway(stale.resource()).createIdentityWithToken(scopes, lifetime);
		StoredIdentity replacement = StoredIdentity.created(stale.appUserId(), stale.resource(),
				created.communicationUserId(), now);
		boolean replaced = storeOrGiveBack(stale.appUserId(), stale.resource(), created,
				() -> this.store.replace(stale, replacement));
		this.cache.forget(stale.appUserId());
		if (!replaced) {
			return Optional.empty();
		}
		logger.warn("ACS no longer knows identity {} of app user {}: replaced it by {} and queued its deletion",
				stale.communicationUserId(), stale.appUserId(), created.communicationUserId());
		count("replaced");
		this.reusable.forget(stale.communicationUserId());
		return Optional.of(IssuedToken.fresh(created.communicationUserId(), created.token(),
				new IssuedToken.Reuse(scopes, now, replacement.revocationGeneration())));
	}

	/**
	 * The first request for a user in this instance creates the identity; concurrent ones
	 * wait for it, then read the mapping again.
	 */
	private Optional<IssuedToken> createOrJoin(String appUserId, String resource, Set<AcsScope> scopes,
			Duration lifetime) {
		return this.creating.runOrAwait(resource + '\n' + appUserId,
				() -> create(appUserId, resource, scopes, lifetime));
	}

	/**
	 * @return empty when another instance stored the user's identity first
	 */
	private Optional<IssuedToken> create(String appUserId, String resource, Set<AcsScope> scopes, Duration lifetime) {
		// Another instance, or a creation that just finished here, may have stored it.
		Optional<StoredIdentity> stored = this.store.findByAppUserId(appUserId, resource);
		if (stored.isPresent()) {
			return issueFor(stored.get(), scopes, lifetime);
		}
		Instant now = now();
		AcsIdentityAndToken created = this.acs.gateway(resource).createIdentityWithToken(scopes, lifetime);
		StoredIdentity identity = StoredIdentity.created(appUserId, resource, created.communicationUserId(), now);
		if (!storeOrGiveBack(appUserId, resource, created, () -> this.store.insertIfAbsent(identity))) {
			return Optional.empty();
		}
		logger.info("Created ACS identity {} for app user {} in resource {}", identity.communicationUserId(), appUserId,
				resource);
		count("created");
		return Optional.of(IssuedToken.fresh(created.communicationUserId(), created.token(),
				new IssuedToken.Reuse(scopes, now, identity.revocationGeneration())));
	}

	/**
	 * Stores a mapping to an identity just created at ACS. When the database says no
	 * (another request won) or fails, the identity is given back (see
	 * {@link IdentityDeletions#deleteSurplus}), so that ACS keeps no identity the service
	 * has forgotten.
	 */
	private boolean storeOrGiveBack(String appUserId, String resource, AcsIdentityAndToken created,
			BooleanSupplier store) {
		boolean stored;
		try {
			stored = store.getAsBoolean();
		}
		catch (RuntimeException ex) {
			this.deletions.deleteSurplus(appUserId, resource, created.communicationUserId());
			throw ex;
		}
		if (!stored) {
			this.deletions.deleteSurplus(appUserId, resource, created.communicationUserId());
		}
		return stored;
	}

	private void count(String event) {
		IdentityDeletions.count(this.meters, event);
	}

	private Instant now() {
		/*
		 * The database keeps microseconds; keep the same so that a stored value reads
		 * back equal.
		 */
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/**
	 * Offers a token that ACS issued for a request to later requests, once its audit row
	 * is committed. Until then it is not reused: a request that found it would be
	 * answered at once, and if the row were never written (the database refused it, the
	 * instance died) a token would have been handed out unrecorded. A token never
	 * confirmed is never reused.
	 */
	public void confirm(IssuedToken issued) {
		IssuedToken.Reuse reuse = issued.reuse();
		if (!issued.reused() && reuse != null) {
			this.reusable.remember(issued.communicationUserId(), reuse.scopes(), issued.token(), reuse.issuedAt(),
					reuse.revocationGeneration());
		}
	}

}
