package org.acstokenservice.acs;

import java.time.Duration;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.RetryStrategy;
import org.jspecify.annotations.Nullable;

/**
 * Retries ACS's transient failures quickly, and never keeps a user waiting behind a long
 * {@code Retry-After}: such an answer is passed on to the front end at once, which is
 * told when to come back.
 */
class AcsRetryStrategy implements RetryStrategy {

	private final int maxRetries;

	private final Duration baseDelay;

	private final Duration maxRetryAfter;

	AcsRetryStrategy(int maxRetries, Duration baseDelay, Duration maxRetryAfter) {
		this.maxRetries = maxRetries;
		this.baseDelay = baseDelay;
		this.maxRetryAfter = maxRetryAfter;
	}

	@Override
	public int getMaxRetries() {
		return this.maxRetries;
	}

	@Override
	public Duration calculateRetryDelay(int retryAttempts) {
		return this.baseDelay.multipliedBy(1L << Math.min(retryAttempts, 10));
	}

	@Override
	public boolean shouldRetry(HttpResponse response) {
		int status = response.getStatusCode();
		if (status == 429 || status == 503) {
			Duration retryAfter = retryAfter(response);
			return retryAfter == null || retryAfter.compareTo(this.maxRetryAfter) <= 0;
		}
		return status == 408 || status == 500 || status == 502 || status == 504;
	}

	/**
	 * Retries a failure to reach ACS or to hear back in time, and nothing else:
	 * azure-core's default retries any exception, including this service's own refusals.
	 */
	@Override
	public boolean shouldRetryException(Throwable throwable) {
		return AcsGateway.isConnectionFailure(throwable);
	}

	/**
	 * ACS's {@code retry-after-ms} or {@code Retry-After} (seconds), when it sent one.
	 */
	static @Nullable Duration retryAfter(HttpResponse response) {
		try {
			String millis = response.getHeaderValue(HttpHeaderName.RETRY_AFTER_MS);
			if (millis != null) {
				return Duration.ofMillis(Long.parseLong(millis.trim()));
			}
			String seconds = response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
			if (seconds != null) {
				return Duration.ofSeconds(Long.parseLong(seconds.trim()));
			}
		}
		catch (NumberFormatException ex) {
			// An HTTP date: rare from ACS; treat it as unknown.
		}
		return null;
	}

}
