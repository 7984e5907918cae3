package org.acstokenservice.acs;

import java.time.Duration;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import org.acstokenservice.ratelimit.WindowLimit;
import org.acstokenservice.ratelimit.WindowStore;
import reactor.core.publisher.Mono;

/**
 * Counts each attempt against the fleet's ACS budget, retries included, since ACS counts
 * each of them; refuses the attempt, unsent, when the budget is spent. The budget keeps
 * ACS's own arithmetic: for each operation that ACS limits ({@link AcsLimitedOperation}),
 * at most ACS's number less the share left to other applications in any window
 * ({@link WindowLimit}), shared by the fleet on PostgreSQL: window
 * {@code acs-budget:<resource>:<operation>}. With {@code acs.budget.calls} set, every
 * attempt also counts against that cap over all operations,
 * {@code acs-budget:<resource>}.
 */
class AcsBudgetPolicy implements HttpPipelinePolicy {

	private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

	private static final String KEY = "acs-budget:";

	private final WindowStore windows;

	private final String resource;

	private final AcsProperties.Budget budget;

	AcsBudgetPolicy(WindowStore windows, String resource, AcsProperties.Budget budget) {
		this.windows = windows;
		this.resource = resource;
		this.budget = budget;
	}

	@Override
	public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
		return Mono.fromRunnable(() -> spend(context.getHttpRequest())).then(next.process());
	}

	@Override
	public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
		spend(context.getHttpRequest());
		return next.processSync();
	}

	@Override
	public HttpPipelinePosition getPipelinePosition() {
		return HttpPipelinePosition.PER_RETRY;
	}

	private void spend(HttpRequest request) {
		AcsLimitedOperation operation = AcsLimitedOperation.of(request);
		spend(KEY + this.resource + ":" + operation.propertyName(),
				new WindowLimit(this.budget.allowance(operation), this.budget.period()));
		Integer calls = this.budget.calls();
		if (calls != null) {
			/*
			 * After the operation's window: a call refused here has used a place in it,
			 * which errs on the side of fewer calls.
			 */
			spend(KEY + this.resource, new WindowLimit(calls, this.budget.period()));
		}
	}

	private void spend(String key, WindowLimit limit) {
		this.windows.tryAdmit(key, limit).ifPresent((wait) -> {
			throw new BudgetSpentException((wait.compareTo(MIN_RETRY_AFTER) < 0) ? MIN_RETRY_AFTER : wait);
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
