package benchmark;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run with non-2xx answers fails the benchmark and says which statuses; a smoke run
 * passes a few 503s (a busy machine) and says so.
 */
class ChecksTests {

	private final Report report = new Report();

	@Test
	void warmupWhenNon2xxThenProblemWithStatuses() {
		new Checks(this.report, false).warmup("new users", load(1000, Map.of(200, 997L, 503, 3L)));

		assertThat(this.report.problems())
			.containsExactly("new users: 3 non-2xx answers (3 × 503), 0 socket errors, of 1000 answers");
	}

	@Test
	void warmupWhenSmokeAndAFew503ThenNoteOnly() {
		new Checks(this.report, true).warmup("new users", load(1000, Map.of(200, 997L, 503, 3L)));

		assertThat(this.report.problems()).isEmpty();
		assertThat(this.report.render()).contains("Notes:", "3 × 503", "tolerated in a smoke run");
	}

	@Test
	void warmupWhenSmokeAndA500OrMany503ThenProblem() {
		Checks checks = new Checks(this.report, true);

		checks.warmup("reuse", load(1000, Map.of(200, 999L, 500, 1L)));
		checks.warmup("fresh", load(100, Map.of(200, 90L, 503, 10L)));

		assertThat(this.report.problems()).hasSize(2);
	}

	private static LoadResult load(long requests, Map<Integer, Long> statuses) {
		long failures = statuses.entrySet()
			.stream()
			.filter((status) -> status.getKey() >= 300)
			.mapToLong(Map.Entry::getValue)
			.sum();
		return new LoadResult(requests, 3.0, 10.0, 20.0, failures, 0, 0, statuses);
	}

}
