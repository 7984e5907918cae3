package benchmark;

import java.util.stream.Collectors;

/**
 * The checks of every load run: each answer a 2xx, no socket error, an answer at all when
 * measured, no token sent twice when only new users are meant; what fails goes to the
 * report's problems. A smoke run (CI, seconds per row on whatever machine) tolerates a
 * few 503s, the service's answer when the machine is too busy for its time-outs: up to
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

}
