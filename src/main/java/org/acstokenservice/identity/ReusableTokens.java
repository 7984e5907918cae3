package org.acstokenservice.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;

/**
 * Tokens this instance issued, kept in memory so that a front end that asks on every page
 * load does not spend an ACS call each time. A token is handed back only while it is
 * unrevoked, has at least half its life and 15 minutes left, and does not outlive the
 * lifetime now asked for.
 * <p>
 * Unrevoked means: issued under the identity's current revocation generation, which the
 * caller has just read from the database. Any instance's revocation raises it, so the
 * check is exact across the fleet and needs no clock.
 */
class ReusableTokens {

	static final Duration MIN_REMAINING = Duration.ofMinutes(15);

	private final boolean enabled;

	private final Cache<Key, Issued> tokens;

	private final Counter hits;

	private final Counter misses;

	ReusableTokens(boolean enabled, long maxEntries, MeterRegistry meters) {
		this.enabled = enabled;
		this.tokens = Caffeine.newBuilder().maximumSize(maxEntries).expireAfter(new UntilTooOld()).build();
		this.hits = Counter.builder("acs.token.reuse")
			.description("Token requests answered with a token issued before")
			.tag("result", "hit")
			.register(meters);
		this.misses = Counter.builder("acs.token.reuse")
			.description("Token requests that needed a new token from ACS")
			.tag("result", "miss")
			.register(meters);
	}

	/**
	 * A token issued before for the identity and exactly these scopes, if it may be
	 * handed out now.
	 * @param revocationGeneration the identity's current revocation generation
	 */
	Optional<AcsToken> find(String communicationUserId, Set<AcsScope> scopes, Duration lifetime,
			long revocationGeneration, Instant now) {
		if (!this.enabled) {
			return Optional.empty();
		}
		Issued issued = this.tokens.getIfPresent(new Key(communicationUserId, Set.copyOf(scopes)));
		if (issued != null && issued.reusable(lifetime, revocationGeneration, now)) {
			this.hits.increment();
			return Optional.of(issued.token());
		}
		this.misses.increment();
		return Optional.empty();
	}

	/**
	 * @param issuedAt when the service asked ACS for the token: before ACS made it, so
	 * that the age check errs on the safe side
	 * @param revocationGeneration the identity's generation as read before ACS was asked,
	 * so that a revocation that overtakes the request makes the token stale
	 */
	void remember(String communicationUserId, Set<AcsScope> scopes, AcsToken token, Instant issuedAt,
			long revocationGeneration) {
		if (!this.enabled) {
			return;
		}
		this.tokens.put(new Key(communicationUserId, Set.copyOf(scopes)),
				new Issued(token, issuedAt, revocationGeneration));
	}

	/** Forgets every token of the identity, when it is revoked or erased. */
	void forget(String communicationUserId) {
		this.tokens.asMap().keySet().removeIf((key) -> key.communicationUserId().equals(communicationUserId));
	}

	private record Key(String communicationUserId, Set<AcsScope> scopes) {
	}

	private record Issued(AcsToken token, Instant issuedAt, long revocationGeneration) {

		boolean reusable(Duration lifetime, long currentGeneration, Instant now) {
			if (this.revocationGeneration != currentGeneration) {
				return false;
			}
			Instant expiresOn = this.token.expiresOn();
			Duration remaining = Duration.between(now, expiresOn);
			Duration total = Duration.between(this.issuedAt, expiresOn);
			return remaining.compareTo(MIN_REMAINING) >= 0 && remaining.multipliedBy(2).compareTo(total) >= 0
					&& !expiresOn.isAfter(now.plus(lifetime));
		}

	}

	/** Evicts a token once it can no longer pass {@link Issued#reusable} on age alone. */
	private static final class UntilTooOld implements Expiry<Key, Issued> {

		@Override
		public long expireAfterCreate(Key key, Issued issued, long currentTime) {
			Instant expiresOn = issued.token().expiresOn();
			Instant halfLife = issued.issuedAt().plus(Duration.between(issued.issuedAt(), expiresOn).dividedBy(2));
			Instant tooOld = expiresOn.minus(MIN_REMAINING);
			Instant until = halfLife.isBefore(tooOld) ? halfLife : tooOld;
			return Math.max(0, Duration.between(Instant.now(), until).toNanos());
		}

		@Override
		public long expireAfterUpdate(Key key, Issued issued, long currentTime, long currentDuration) {
			return expireAfterCreate(key, issued, currentTime);
		}

		@Override
		public long expireAfterRead(Key key, Issued issued, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
