package org.acstokenservice.identity;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.fleet.ChangeFeed;

/**
 * The users' identity mappings (and so their revocation generations) in memory, so that a
 * reuse hit needs no database read. Used only while the fleet's {@link ChangeFeed} is up
 * to date: every change of a mapping, on any instance, is announced on it and makes this
 * cache forget the user; while the feed is behind or down, every look-up reads the
 * database. Absence is never kept: a user without an identity is looked up again.
 * <p>
 * A read is kept only under {@link #lock}, which every forgetting holds too: a change
 * heard while a request read the database either comes before the put, and the read is
 * not kept, or after it, and forgets it. Without the lock, a read taken before a
 * revocation committed could be put after the revocation was heard, and be served for up
 * to {@link #MAX_AGE}.
 */
class IdentityCache implements ChangeFeed.Listener {

	/** The topic of the mappings' changes, as the database's trigger announces them. */
	static final String TOPIC = "identity";

	/** A safety net: even an unchanged mapping is read again this often. */
	private static final Duration MAX_AGE = Duration.ofMinutes(10);

	private final JdbcIdentityStore store;

	private final ChangeFeed changes;

	/** By resource and app user: {@link #key}. */
	private final Cache<String, StoredIdentity> identities;

	private final Set<String> resources;

	/** Held by each put and each forgetting, so that neither runs inside the other. */
	private final Object lock = new Object();

	/** Counts forgettings, so that a read that one overtook is not kept. */
	private long forgotten;

	private final Counter hits;

	private final Counter misses;

	private final Counter bypassed;

	/**
	 * @param resources the names of the ACS resources: a change of a user forgets the
	 * user's identity in each
	 */
	IdentityCache(JdbcIdentityStore store, ChangeFeed changes, Set<String> resources, long maxEntries,
			MeterRegistry meters) {
		this.store = store;
		this.resources = Set.copyOf(resources);
		this.changes = changes;
		this.identities = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(MAX_AGE).build();
		this.hits = counter(meters, "hit");
		this.misses = counter(meters, "miss");
		this.bypassed = counter(meters, "bypassed");
		changes.subscribe(TOPIC, this);
	}

	private static Counter counter(MeterRegistry meters, String result) {
		return Counter.builder("acs.identity.cache")
			.description("Look-ups of a user's identity: from memory (hit), read and kept (miss), or read because "
					+ "the change feed is behind (bypassed)")
			.tag("result", result)
			.register(meters);
	}

	/**
	 * The user's current mapping in a resource: from memory when the change feed allows.
	 */
	Optional<StoredIdentity> find(String appUserId, String resource) {
		if (!this.changes.upToDate()) {
			this.bypassed.increment();
			return this.store.findByAppUserId(appUserId, resource);
		}
		String key = key(appUserId, resource);
		StoredIdentity cached = this.identities.getIfPresent(key);
		if (cached != null) {
			this.hits.increment();
			return Optional.of(cached);
		}
		this.misses.increment();
		long before = forgotten();
		Optional<StoredIdentity> read = this.store.findByAppUserId(appUserId, resource);
		read.ifPresent((identity) -> keep(key, identity, before));
		return read;
	}

	/**
	 * Kept only if no change was heard since {@code before}: it might have been this
	 * user's.
	 */
	private void keep(String key, StoredIdentity identity, long before) {
		synchronized (this.lock) {
			if (this.forgotten == before && this.changes.upToDate()) {
				this.identities.put(key, identity);
			}
		}
	}

	private long forgotten() {
		synchronized (this.lock) {
			return this.forgotten;
		}
	}

	/**
	 * Forgets a user's mappings in every resource: this instance just changed one, or
	 * another did (the database's trigger names the user, not the resource).
	 */
	void forget(String appUserId) {
		List<String> keys = this.resources.stream().map((resource) -> key(appUserId, resource)).toList();
		synchronized (this.lock) {
			this.forgotten++;
			this.identities.invalidateAll(keys);
		}
	}

	private static String key(String appUserId, String resource) {
		// No resource name holds a line feed.
		return resource + '\n' + appUserId;
	}

	/**
	 * Waits until every instance has heard of a change committed at {@code committedAt}
	 * (a {@link System#nanoTime()}), so that no instance answers from a memory that the
	 * change made stale once the caller has answered.
	 */
	void awaitEverywhere(long committedAt) {
		this.changes.awaitPropagation(committedAt);
	}

	@Override
	public void changed(String appUserId) {
		forget(appUserId);
	}

	@Override
	public void forgetAll() {
		synchronized (this.lock) {
			this.forgotten++;
			this.identities.invalidateAll();
		}
	}

}
