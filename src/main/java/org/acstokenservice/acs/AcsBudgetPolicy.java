package org.acstokenservice.acs;

import java.time.Duration;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import org.acstokenservice.ratelimit.BucketLimit;
import org.acstokenservice.ratelimit.BucketStore;
import reactor.core.publisher.Mono;

/**
 * Spends one unit of the fleet's ACS budget per attempt, retries included, since ACS
 * counts each of them; refuses the attempt, unsent, when the budget is spent. The budget
 * is one bucket per ACS resource in the {@link BucketStore}, which every instance shares
 * on PostgreSQL: {@code acs-budget} for the default resource, {@code acs-budget:<name>}
 * for the others, since ACS limits each resource on its own.
 */
class AcsBudgetPolicy implements HttpPipelinePolicy {

	private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(5);

	private static final String KEY = "acs-budget";

	private final BucketStore buckets;

	private final BucketLimit budget;

	private final String key;

	AcsBudgetPolicy(BucketStore buckets, String resource, int calls, Duration period) {
		this.buckets = buckets;
		this.key = AcsResources.DEFAULT.equals(resource) ? KEY : KEY + ":" + resource;
		// Exact: ACS's limit is hard, and each call costs a round trip to ACS anyway.
		this.budget = BucketLimit.exact(calls, period);
	}

	@Override
	public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
		return Mono.fromRunnable(this::spend).then(next.process());
	}

	@Override
	public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
		spend();
		return next.processSync();
	}

	@Override
	public HttpPipelinePosition getPipelinePosition() {
		return HttpPipelinePosition.PER_RETRY;
	}

	private void spend() {
		this.buckets.tryConsume(this.key, this.budget).ifPresent((refill) -> {
			/*
			 * The next unit comes back within milliseconds under load; telling front ends
			 * to retry that soon would only spend it again at once.
			 */
			throw new BudgetSpentException((refill.compareTo(MIN_RETRY_AFTER) < 0) ? MIN_RETRY_AFTER : refill);
		});
	}

	/** The budget is spent: the call was not sent. */
	static class BudgetSpentException extends RuntimeException {

		private final Duration retryAfter;

		BudgetSpentException(Duration retryAfter) {
			super("The fleet's ACS call budget is spent", null, false, false);
			this.retryAfter = retryAfter;
		}

		Duration retryAfter() {
			return this.retryAfter;
		}

	}

}
