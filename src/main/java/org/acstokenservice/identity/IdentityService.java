package org.acstokenservice.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

import org.acstokenservice.acs.AcsGateway;
import org.acstokenservice.acs.AcsIdentityAndToken;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.acs.AcsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Keeps each app user's one ACS identity and issues its tokens. A user's first token
 * creates the identity and the token in one ACS call; later tokens reuse the stored
 * identity.
 */
@Service
public class IdentityService {

	private static final Logger logger = LoggerFactory.getLogger(IdentityService.class);

	private final JdbcIdentityStore store;

	private final AcsGateway acs;

	private final Clock clock;

	IdentityService(JdbcIdentityStore store, AcsGateway acs, Clock clock) {
		this.store = store;
		this.acs = acs;
		this.clock = clock;
	}

	/** The user's stored identity, if the user has been issued a token before. */
	public Optional<StoredIdentity> find(String appUserId) {
		return this.store.findByAppUserId(appUserId);
	}

	/**
	 * Issues a token for the user's identity, creating the identity on the first call.
	 */
	public IssuedToken issueToken(String appUserId, Set<AcsScope> scopes, Duration lifetime) {
		Optional<StoredIdentity> stored = this.store.findByAppUserId(appUserId);
		if (stored.isPresent()) {
			String communicationUserId = stored.get().communicationUserId();
			return new IssuedToken(communicationUserId, this.acs.issueToken(communicationUserId, scopes, lifetime));
		}
		AcsIdentityAndToken created = this.acs.createIdentityWithToken(scopes, lifetime);
		StoredIdentity identity = new StoredIdentity(appUserId, created.communicationUserId(), now(), null);
		if (this.store.insertIfAbsent(identity)) {
			logger.info("Created ACS identity {} for app user {}", identity.communicationUserId(), appUserId);
			return new IssuedToken(created.communicationUserId(), created.token());
		}
		// Another request stored the user's identity first: the database decided, so give
		// back the identity made here and use the winner's.
		deleteQuietly(created.communicationUserId());
		String winner = this.store.findByAppUserId(appUserId)
			.orElseThrow(() -> new IllegalStateException("Identity of " + appUserId + " vanished during creation"))
			.communicationUserId();
		return new IssuedToken(winner, this.acs.issueToken(winner, scopes, lifetime));
	}

	private void deleteQuietly(String communicationUserId) {
		try {
			this.acs.deleteIdentity(communicationUserId);
		}
		catch (AcsException ex) {
			logger.warn("Could not delete surplus ACS identity {}: {}", communicationUserId, ex.getMessage());
		}
	}

	private Instant now() {
		// The database keeps microseconds; keep the same so that a stored value reads
		// back equal.
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/** A token and the identity it was issued for. */
	public record IssuedToken(String communicationUserId, AcsToken token) {
	}

}
