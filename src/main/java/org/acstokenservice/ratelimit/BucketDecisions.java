package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * A decision that the database makes, observed: a span of the request that asked
 * ({@code bucket <limit>}) and the timer {@code acs.fleet.bucket.decisions} by limit and
 * outcome. Only the limit's name is recorded, never the key, which holds a user id or a
 * client's address.
 */
final class BucketDecisions {

	private BucketDecisions() {
	}

	static Optional<Duration> observe(ObservationRegistry observations, String key,
			Supplier<Optional<Duration>> decision) {
		String name = limitName(key);
		Observation observation = Observation.createNotStarted("acs.fleet.bucket.decisions", observations)
			.contextualName("bucket " + name)
			.lowCardinalityKeyValue("limit", name)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			Optional<Duration> wait = decision.get();
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

	/**
	 * The limit a key belongs to: what stands before its first colon ({@code token},
	 * {@code lookup}, {@code sign-in}, {@code acs-budget}), or the whole key when it has
	 * none. Keys are made in code from a few fixed names, so the tag stays small.
	 */
	static String limitName(String key) {
		int colon = key.indexOf(':');
		return (colon < 0) ? key : key.substring(0, colon);
	}

}
