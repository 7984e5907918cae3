package org.acstokenservice.security;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import org.jspecify.annotations.Nullable;

/**
 * Tells its listeners when the issuer's published keys change: the key set cache of the
 * JWT decoder fetched the set again and found other keys (withdrawn, added or rotated).
 * Seen from {@link CachingJwsKeySelector}, which looks at the set on every signature
 * check; it also keeps a flood of tokens with made-up key ids from becoming a flood of
 * key set fetches.
 */
final class IssuerKeys {

	/** How often at most the key set is fetched again for a key it does not hold. */
	static final Duration FETCH_AT_MOST_EVERY = Duration.ofSeconds(10);

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	/** The JWK objects last seen: the source hands out the same ones until it fetches. */
	private volatile List<JWK> seen = List.of();

	private volatile @Nullable Set<String> thumbprints;

	/**
	 * When the set was last fetched for a key it did not hold
	 * ({@link System#nanoTime()}).
	 */
	private final AtomicLong lastFetch = new AtomicLong(System.nanoTime() - FETCH_AT_MOST_EVERY.toNanos());

	/** Whether this thread's last signature check found no key and fetched nothing. */
	private final ThreadLocal<Boolean> unknownKey = ThreadLocal.withInitial(() -> false);

	/**
	 * Whether the key set may be fetched again for a key that it does not hold: once per
	 * {@link #FETCH_AT_MOST_EVERY} per instance. When not, the signature check fails, and
	 * the token is not remembered as bad (see {@link #checkedWithoutFetch()}).
	 */
	boolean mayFetch() {
		long last = this.lastFetch.get();
		long now = System.nanoTime();
		if (now - last >= FETCH_AT_MOST_EVERY.toNanos() && this.lastFetch.compareAndSet(last, now)) {
			return true;
		}
		this.unknownKey.set(true);
		return false;
	}

	/**
	 * Whether the last check on this thread refused a token for a key it could not fetch;
	 * clears the mark.
	 */
	boolean checkedWithoutFetch() {
		boolean unknown = this.unknownKey.get();
		this.unknownKey.set(false);
		return unknown;
	}

	void onChange(Runnable listener) {
		this.listeners.add(listener);
	}

	/** The keys the source holds now, as a signature check saw them. */
	void saw(List<JWK> keys) {
		List<JWK> last = this.seen;
		if (sameInstances(last, keys)) {
			return;
		}
		this.seen = List.copyOf(keys);
		Set<String> now = thumbprints(keys);
		Set<String> before = this.thumbprints;
		this.thumbprints = now;
		if (before != null && !before.equals(now)) {
			this.listeners.forEach(Runnable::run);
		}
	}

	private static boolean sameInstances(List<JWK> a, List<JWK> b) {
		if (a.size() != b.size()) {
			return false;
		}
		for (int i = 0; i < a.size(); i++) {
			if (a.get(i) != b.get(i)) {
				return false;
			}
		}
		return true;
	}

	private static Set<String> thumbprints(List<JWK> keys) {
		return keys.stream().map(IssuerKeys::thumbprint).collect(Collectors.toUnmodifiableSet());
	}

	private static String thumbprint(JWK key) {
		try {
			return key.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			return key.toJSONString();
		}
	}

}
