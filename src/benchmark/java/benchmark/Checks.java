package benchmark;

/**
 * The checks of every load run: each answer a 2xx, no socket error, an answer at all when
 * measured, no token sent twice when only new users are meant; what fails goes to the
 * report's problems.
 */
final class Checks {

	private final Report report;

	Checks(Report report) {
		this.report = report;
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
		if (load.failures() > 0 || load.socketErrors() > 0) {
			this.report
				.problem(what + ": " + load.failures() + " non-2xx answers, " + load.socketErrors() + " socket errors");
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
