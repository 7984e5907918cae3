package benchmark;

import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The checks of every load run: each answer a 2xx, no socket error, an answer at all when
 * measured, no token sent twice when only new users are meant, first tokens in time; and
 * of a flood of forged tokens: only 4xx; what fails goes to the report's problems. A
 * smoke run (CI, seconds per row on whatever machine) tolerates a few 503s, the service's
 * answer when the machine is too busy for its time-outs: up to
 * {@link #SMOKE_BUSY_PERCENT} % of a run's answers, reported as a note.
 */
final class Checks {

	static final int SMOKE_BUSY_PERCENT = 5;

	private final Report report;

	private final boolean smoke;

	Checks(Report report, boolean smoke) {
		this.report = report;
		this.smoke = smoke;
	}

	/** A measurement: every answer a 2xx, and at least one. */
	LoadResult measured(String what, LoadResult load) {
		if (load.requests() == 0) {
			this.report.problem(what + ": no answer at all");
		}
		return warmup(what, load);
	}

	/**
	 * Warm-up load, or a slice of the curve: every answer a 2xx, but there may be none (a
	 * cold JVM may take longer than a short slice to answer).
	 */
	LoadResult warmup(String what, LoadResult load) {
		if (load.failures() == 0 && load.socketErrors() == 0) {
			return load;
		}
		String counted = load.statuses()
			.entrySet()
			.stream()
			.filter((status) -> status.getKey() >= 300)
			.map((status) -> status.getValue() + " × " + status.getKey())
			.collect(Collectors.joining(", "));
		String line = what + ": " + load.failures() + " non-2xx answers"
				+ (counted.isEmpty() ? "" : " (" + counted + ")") + ", " + load.socketErrors() + " socket errors, of "
				+ load.requests() + " answers";
		boolean onlyBusy = load.answers(503, 503) == load.failures() && load.answers(300, 502) == 0
				&& load.answers(504, 599) == 0;
		if (this.smoke && load.socketErrors() == 0 && onlyBusy
				&& load.failures() * 100 <= load.requests() * SMOKE_BUSY_PERCENT) {
			this.report.note(line + ": tolerated in a smoke run");
		}
		else {
			this.report.problem(line);
		}
		return load;
	}

	/** A run of new users only: no token sent twice. */
	LoadResult allNew(LoadResult load) {
		if (load.tokensWrapped() > 0) {
			this.report.problem("new users ran out, some requests were repeats (reuse hits)");
		}
		return load;
	}

	/**
	 * New users' first tokens: a measurement ({@link #measured}) of new users only
	 * ({@link #allNew}) whose slowest answer came within {@code bound}.
	 */
	LoadResult firstTokens(String what, LoadResult load, Duration bound) {
		allNew(measured(what, load));
		if (Double.isNaN(load.maxMillis())) {
			this.report.problem(what + ": the slowest answer was not measured");
		}
		else if (load.maxMillis() > bound.toMillis()) {
			this.report.problem(String.format(Locale.ROOT, "%s: the slowest first token took %s, over %d ms", what,
					Report.millis(load.maxMillis()), bound.toMillis()));
		}
		return load;
	}

	/**
	 * A flood of forged tokens: no forged token accepted (2xx), no 5xx, no socket error
	 * (an answer never received is as bad as a 5xx), every answer counted by status, and
	 * when measured an answer at all. 401, 429 and other 4xx are what a flood should get.
	 */
	LoadResult flood(String what, LoadResult flood, boolean measured) {
		if (measured && flood.requests() == 0) {
			this.report.problem(what + ": no answer at all to the flood");
		}
		if (flood.requests() > 0 && flood.statuses().isEmpty()) {
			this.report.problem(what + ": the flood's answers were not counted by status");
		}
		if (flood.answers(200, 299) > 0) {
			this.report.problem(what + ": " + flood.answers(200, 299) + " forged tokens were accepted (2xx)");
		}
		if (flood.answers(500, 599) > 0 || flood.socketErrors() > 0) {
			this.report.problem(what + ": " + flood.answers(500, 599) + " 5xx answers to the forged tokens, "
					+ flood.socketErrors() + " socket errors");
		}
		return flood;
	}

}
