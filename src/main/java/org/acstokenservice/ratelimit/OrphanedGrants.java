package org.acstokenservice.ratelimit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.acstokenservice.ratelimit.BucketTable.Request;

/**
 * What mirrors that left memory (evicted, or retired while their statement failed) had
 * granted and not yet told the database, one entry per key, until a synchronisation tells
 * it. Emptied by every synchronisation that reaches the database, once a second.
 */
final class OrphanedGrants {

	private final Map<String, Request> grants = new ConcurrentHashMap<>();

	/** Keeps what a mirror granted and did not tell. */
	void add(String key, int granted, BucketLimit limit) {
		if (granted > 0) {
			this.grants.merge(key, new Request(key, granted, limit), Request::plus);
		}
	}

	/** Takes every grant kept, to tell the database. */
	List<Request> drain() {
		List<Request> drained = new ArrayList<>();
		for (String key : List.copyOf(this.grants.keySet())) {
			Request grant = this.grants.remove(key);
			if (grant != null) {
				drained.add(grant);
			}
		}
		return drained;
	}

	/** Keeps again grants that could not be told. */
	void putBack(Collection<Request> untold) {
		untold.forEach((grant) -> this.grants.merge(grant.key(), grant, Request::plus));
	}

}
