package org.acstokenservice.acs;

import java.time.Duration;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import reactor.core.publisher.Mono;

/**
 * Spends one unit of this instance's ACS budget per attempt, retries included, since ACS
 * counts each of them; refuses the attempt, unsent, when the budget is spent.
 */
class AcsBudgetPolicy implements HttpPipelinePolicy {

	private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(5);

	private final Bucket bucket;

	AcsBudgetPolicy(int calls, Duration period) {
		this.bucket = Bucket.builder()
			.addLimit(Bandwidth.builder().capacity(calls).refillGreedy(calls, period).build())
			.build();
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
		ConsumptionProbe probe = this.bucket.tryConsumeAndReturnRemaining(1);
		if (!probe.isConsumed()) {
			/*
			 * The next unit comes back within milliseconds under load; telling front ends
			 * to retry that soon would only spend it again at once.
			 */
			Duration refill = Duration.ofNanos(probe.getNanosToWaitForRefill());
			throw new BudgetSpentException((refill.compareTo(MIN_RETRY_AFTER) < 0) ? MIN_RETRY_AFTER : refill);
		}
	}

	/** The budget is spent: the call was not sent. */
	static class BudgetSpentException extends RuntimeException {

		private final Duration retryAfter;

		BudgetSpentException(Duration retryAfter) {
			super("This instance's ACS call budget is spent", null, false, false);
			this.retryAfter = retryAfter;
		}

		Duration retryAfter() {
			return this.retryAfter;
		}

	}

}
