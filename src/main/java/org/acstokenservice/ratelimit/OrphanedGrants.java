package org.acstokenservice.ratelimit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What mirrors that left memory (evicted, or retired while their statement failed) had
 * granted and not yet told the database, one entry per key, until a synchronisation tells
 * it. Emptied by every synchronisation that reaches the database, once a second; while
 * the database cannot be reached, it holds at most {@code maxKeys} keys, and the grants
 * of further keys are forgotten ({@code acs.fleet.bucket.orphans.dropped}). A mirror
 * never grants more than its local share without the database, so each key forgotten lets
 * that key overshoot by its local share at most.
 */
final class OrphanedGrants {

	private static final Logger logger = LoggerFactory.getLogger(OrphanedGrants.class);

	private final Map<String, BucketRequest> grants = new ConcurrentHashMap<>();

	private final int maxKeys;

	private final Counter dropped;

	private volatile boolean dropping;

	OrphanedGrants(int maxKeys, MeterRegistry meters) {
		this.maxKeys = maxKeys;
		this.dropped = Counter.builder("acs.fleet.bucket.orphans.dropped")
			.description("Grants of evicted buckets forgotten because too many waited for the database")
			.register(meters);
	}

	/** Keeps what a mirror granted and did not tell, if there is room. */
	void add(String key, int granted, BucketLimit limit) {
		if (granted > 0) {
			keep(new BucketRequest(key, granted, limit));
		}
	}

	private void keep(BucketRequest grant) {
		// Bounded within the few threads that add at once.
		if (this.grants.size() >= this.maxKeys && !this.grants.containsKey(grant.key())) {
			this.dropped.increment();
			if (!this.dropping) {
				this.dropping = true;
				logger.warn("{} evicted buckets wait to tell the database their grants; forgetting further ones",
						this.maxKeys);
			}
			return;
		}
		this.grants.merge(grant.key(), grant, BucketRequest::plus);
	}

	/** Takes every grant kept, to tell the database. */
	List<BucketRequest> drain() {
		List<BucketRequest> drained = new ArrayList<>();
		for (String key : List.copyOf(this.grants.keySet())) {
			BucketRequest grant = this.grants.remove(key);
			if (grant != null) {
				drained.add(grant);
			}
		}
		this.dropping = false;
		return drained;
	}

	/** Keeps again grants that could not be told, if there is room. */
	void putBack(Collection<BucketRequest> untold) {
		untold.forEach(this::keep);
	}

	int size() {
		return this.grants.size();
	}

}
