package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;

import io.micrometer.observation.ObservationRegistry;

/**
 * Observes each decision of an {@link BucketLimit.Sharing#EXACT exact} limit, which the
 * database grants: a span of the request that asked ({@code bucket <limit>}), and the
 * timer {@code acs.fleet.bucket.decisions} by limit and outcome. Only the limit's name is
 * recorded, never the key, which holds a user id or a client's address. A limit shared by
 * local shares is answered from memory in microseconds; observing each of its decisions
 * cost more than the decision (a profile of steady reuse hits: 7 % of the CPU), and the
 * database work it does now and then has spans of its own.
 */
class ObservedBucketStore implements BucketStore, AutoCloseable {

	private final BucketStore store;

	private final ObservationRegistry observations;

	ObservedBucketStore(BucketStore store, ObservationRegistry observations) {
		this.store = store;
		this.observations = observations;
	}

	@Override
	public Optional<Duration> tryConsume(String key, BucketLimit limit) {
		if (limit.sharing() != BucketLimit.Sharing.EXACT) {
			return this.store.tryConsume(key, limit);
		}
		return BucketDecisions.observe(this.observations, key, () -> this.store.tryConsume(key, limit));
	}

	/** The buckets themselves, for the maintenance that only they know how to do. */
	BucketStore store() {
		return this.store;
	}

	@Override
	public void close() throws Exception {
		if (this.store instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

}
