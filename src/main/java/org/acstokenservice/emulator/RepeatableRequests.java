package org.acstokenservice.emulator;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * ACS's repeatable requests: a create that carries a {@code Repeatability-Request-ID} it
 * has seen before gets the first answer again instead of a second identity, so that a
 * client may retry a create safely. Answers are kept in memory, for the most recent ids.
 */
final class RepeatableRequests<R> {

	private final int capacity;

	private final Clock clock;

	private final Map<String, Entry<R>> answers = new ConcurrentHashMap<>();

	RepeatableRequests(int capacity, Clock clock) {
		this.capacity = capacity;
		this.clock = clock;
	}

	/**
	 * Runs the action once per request id; a request without an id always runs it.
	 * @param requestId the {@code Repeatability-Request-ID}
	 */
	R run(@Nullable String requestId, Supplier<R> action) {
		if (requestId == null || requestId.isBlank()) {
			return action.get();
		}
		// computeIfAbsent runs the action once per id, even for concurrent retries.
		R answer = this.answers
			.computeIfAbsent(requestId.strip(), (id) -> new Entry<>(action.get(), this.clock.instant()))
			.answer();
		if (this.answers.size() > this.capacity) {
			evictOldest();
		}
		return answer;
	}

	private void evictOldest() {
		int excess = this.answers.size() - this.capacity * 9 / 10;
		this.answers.entrySet()
			.stream()
			.sorted(Comparator.comparing((Map.Entry<String, Entry<R>> entry) -> entry.getValue().at()))
			.limit(Math.max(excess, 0))
			.map(Map.Entry::getKey)
			.toList()
			.forEach(this.answers::remove);
	}

	private record Entry<R>(R answer, Instant at) {

	}

}
