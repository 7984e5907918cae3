package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;

import io.micrometer.observation.ObservationRegistry;

/**
 * Observes each decision of a window as {@link ObservedBucketStore} does an exact
 * bucket's ({@link BucketDecisions}): the ACS budget's are {@code bucket acs-budget}.
 */
class ObservedWindowStore implements WindowStore, AutoCloseable {

	private final WindowStore store;

	private final ObservationRegistry observations;

	ObservedWindowStore(WindowStore store, ObservationRegistry observations) {
		this.store = store;
		this.observations = observations;
	}

	@Override
	public Optional<Duration> tryAdmit(String key, WindowLimit limit) {
		return BucketDecisions.observe(this.observations, key, () -> this.store.tryAdmit(key, limit));
	}

	@Override
	public void close() throws Exception {
		if (this.store instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

}
