package org.acstokenservice.security;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;

/**
 * Tells its listeners when the issuer's published keys change: the key set cache of the
 * JWT decoder fetched the set again and found other keys (withdrawn, added or rotated).
 * Seen from {@link CachingJwsKeySelector}, which looks at the set on every signature
 * check.
 */
final class IssuerKeys {

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	/** The JWK objects last seen: the source hands out the same ones until it fetches. */
	private volatile List<JWK> seen = List.of();

	private volatile Set<String> thumbprints;

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
