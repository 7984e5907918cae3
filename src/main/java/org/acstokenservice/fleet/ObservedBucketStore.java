package org.acstokenservice.fleet;

import java.time.Duration;
import java.util.Optional;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Observes each decision of the buckets it wraps: a span of the request that asked
 * ({@code bucket <limit>}), and the timer {@code acs.fleet.bucket.decisions} by limit and
 * outcome. Only the limit's name is recorded, never the key, which holds a user id or a
 * client's address.
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
		String name = limitName(key);
		Observation observation = Observation.createNotStarted("acs.fleet.bucket.decisions", this.observations)
			.contextualName("bucket " + name)
			.lowCardinalityKeyValue("limit", name)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			Optional<Duration> wait = this.store.tryConsume(key, limit);
			observation.lowCardinalityKeyValue("outcome", wait.isEmpty() ? "taken" : "refused");
			return wait;
		}
		catch (RuntimeException ex) {
			observation.lowCardinalityKeyValue("outcome", "failed");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
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

	/**
	 * The limit a key belongs to: what stands before its first colon ({@code token},
	 * {@code lookup}, {@code sign-in}, {@code audit-refusal}), or the whole key when it
	 * has none ({@code acs-budget}). Keys are made in code from a few fixed names, so the
	 * tag stays small.
	 */
	static String limitName(String key) {
		int colon = key.indexOf(':');
		return (colon < 0) ? key : key.substring(0, colon);
	}

}
