package org.acstokenservice.audit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.ratelimit.BucketLimit;
import org.acstokenservice.ratelimit.BucketStore;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * Decides whether a refusal is written: a user held back by a limit, or refused the same
 * way again (an unknown scope, a lifetime too long, not eligible, in no resource), is
 * recorded once per window, not once per further request, so that one signed-in client in
 * a loop cannot grow the table and the log at its request rate; the metrics count every
 * refusal, and {@code acs.audit.refusals.repeated} those not written.
 * <p>
 * A limit's refusal came from a bucket already, so the fleet records it exactly once (an
 * exact bucket; further refusals come from memory). Any other refusal is decided in this
 * instance's memory alone, so that it never waits on the database: a 4xx stays immediate
 * while the database is slow or out, at the price of a row per instance and window. What
 * empties that memory: each entry leaves a window after it was made, and at most
 * {@value #MAX_REMEMBERED} are kept (60,000 at 1,000 refusals a second of as many users);
 * one pushed out early costs a row more.
 */
class RepeatedRefusals {

	private static final Duration MIN_LIMIT_WINDOW = Duration.ofSeconds(1);

	/** How often the same refusal of the same user is written at most, but for limits. */
	static final Duration REPEATED_REFUSAL_WINDOW = Duration.ofMinutes(1);

	static final int MAX_REMEMBERED = 100_000;

	private final BucketStore recorded;

	/** The refusals other than a limit's written by this instance in their window. */
	private final Cache<String, Boolean> written = Caffeine.newBuilder()
		.expireAfterWrite(REPEATED_REFUSAL_WINDOW)
		.maximumSize(MAX_REMEMBERED)
		.build();

	private final MeterRegistry meters;

	private final Map<AuditEvent.Action, Counter> repeated = new ConcurrentHashMap<>();

	RepeatedRefusals(BucketStore recorded, MeterRegistry meters) {
		this.recorded = recorded;
		this.meters = meters;
	}

	/**
	 * Whether this is the first refusal for the entry's actor and action with this reason
	 * in its window; counts it as repeated when not.
	 * @param limited whether a limit refused it, which said when to come back
	 */
	boolean firstInWindow(AuditEntry entry, String reason, boolean limited, @Nullable Duration retryAfter) {
		String key = entry.action() + ":" + reason + ':' + entry.actor();
		boolean first = limited ? firstForTheFleet(key, retryAfter)
				: this.written.asMap().putIfAbsent(key, true) == null;
		if (!first) {
			this.repeated
				.computeIfAbsent(entry.action(),
						(action) -> Counter.builder("acs.audit.refusals.repeated")
							.description("Refusals not written, by action: the same refusal of the same user "
									+ "was written earlier in its window")
							.tag("action", action.name().toLowerCase())
							.register(this.meters))
				.increment();
		}
		return first;
	}

	private boolean firstForTheFleet(String key, @Nullable Duration retryAfter) {
		try {
			return this.recorded.tryConsume("audit-refusal:" + key, BucketLimit.exact(1, limitWindow(retryAfter)))
				.isEmpty();
		}
		catch (DataAccessException ex) {
			// Better a row too many than a refusal lost.
			return true;
		}
	}

	private static Duration limitWindow(@Nullable Duration retryAfter) {
		return (retryAfter != null && retryAfter.compareTo(MIN_LIMIT_WINDOW) > 0) ? retryAfter : MIN_LIMIT_WINDOW;
	}

}
