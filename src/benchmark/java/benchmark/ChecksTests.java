package benchmark;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run with non-2xx answers fails the benchmark and says which statuses; a smoke run
 * passes a few 503s (a busy machine) and says so. A flood fails it with a 5xx, a socket
 * error or an accepted forged token, and new users with a first token out of time.
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

	@Test
	void floodWhenOnly4xxThenNoProblem() {
		new Checks(this.report, false).flood("flood", load(1000, Map.of(401, 600L, 429, 399L, 431, 1L)), true);

		assertThat(this.report.problems()).isEmpty();
	}

	@Test
	void floodWhen5xxOrSocketErrorsThenProblemWithCounts() {
		LoadResult flood = new LoadResult(1000, 3.0, 10.0, 20.0, 1000, 4, 0, Map.of(401, 990L, 503, 10L));

		new Checks(this.report, true).flood("flood", flood, false);

		assertThat(this.report.problems())
			.containsExactly("flood: 10 5xx answers to the forged tokens, 4 socket errors");
	}

	@Test
	void floodWhenForgedTokenAcceptedOrNotCountedThenProblem() {
		Checks checks = new Checks(this.report, false);

		checks.flood("accepted", load(1000, Map.of(401, 999L, 200, 1L)), true);
		checks.flood("uncounted", load(1000, Map.of()), true);
		checks.flood("silent", load(0, Map.of()), true);

		assertThat(this.report.problems()).containsExactly("accepted: 1 forged tokens were accepted (2xx)",
				"uncounted: the flood's answers were not counted by status", "silent: no answer at all to the flood");
	}

	@Test
	void firstTokensWhenAll200WithinBoundThenNoProblem() {
		new Checks(this.report, false).firstTokens("new users", slowest(1999.0, Map.of(200, 80L)),
				Duration.ofSeconds(2));

		assertThat(this.report.problems()).isEmpty();
	}

	@Test
	void firstTokensWhenSlowestOverBoundThenProblem() {
		new Checks(this.report, false).firstTokens("new users", slowest(8100.0, Map.of(200, 80L)),
				Duration.ofSeconds(2));

		assertThat(this.report.problems())
			.containsExactly("new users: the slowest first token took 8100 ms, over 2000 ms");
	}

	@Test
	void firstTokensWhen503ThenProblemEvenInTime() {
		new Checks(this.report, false).firstTokens("new users", slowest(1500.0, Map.of(200, 11L, 503, 14L)),
				Duration.ofSeconds(2));

		assertThat(this.report.problems())
			.containsExactly("new users: 14 non-2xx answers (14 × 503), 0 socket errors, of 25 answers");
	}

	@Test
	void firstTokensWhenSlowestUnknownThenProblem() {
		new Checks(this.report, false).firstTokens("new users", load(80, Map.of(200, 80L)), Duration.ofSeconds(2));

		assertThat(this.report.problems()).containsExactly("new users: the slowest answer was not measured");
	}

	private static LoadResult slowest(double maxMillis, Map<Integer, Long> statuses) {
		LoadResult load = load(statuses.values().stream().mapToLong(Long::longValue).sum(), statuses);
		return new LoadResult(load.requests(), load.seconds(), load.p50Millis(), load.p99Millis(), maxMillis,
				load.failures(), 0, 0, statuses);
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
