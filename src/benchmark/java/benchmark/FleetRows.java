package benchmark;

import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import benchmark.FleetScenario.FleetFigures;
import benchmark.ServiceScenarios.LimitedFigures;
import benchmark.ServiceScenarios.ServiceFigures;

/**
 * Rows 11 to 14 and 19 of the table: the fleet against one instance, the limits off
 * against on, and the database's statements per {@code /token} answer.
 */
final class FleetRows {

	private final Settings settings;

	private final Report report;

	FleetRows(Settings settings, Report report) {
		this.settings = settings;
		this.report = report;
	}

	/** Rows 11 to 14. */
	void add(ServiceFigures service, FleetFigures fleet, LimitedFigures limited) {
		Settings s = this.settings;
		int n = s.instances();
		LoadResult steady = service.steady();
		this.report.load("11", n + " instances: page reloads, round-robin", fleet.load(),
				String.format(Locale.ROOT,
						"%d × %d connections, one wrk for each instance over all %d users; %d s warm-up, %d s "
								+ "measured; req/s of the fleet (per instance: %s), highest p50 and p99 of the %d; "
								+ "%s req/s of row 3 (one instance), on the same %d cores",
						n, FleetScenario.connectionsEach(s), s.users(), s.fleetWarmup(), s.measure(),
						fleet.runs()
							.stream()
							.map((run) -> Report.requestsPerSecond(run.requestsPerSecond()))
							.collect(Collectors.joining(", ")),
						n, Report.ratio(fleet.load().requestsPerSecond() / steady.requestsPerSecond()),
						Runtime.getRuntime().availableProcessors()));
		double calls = fleet.metrics().getOrDefault("acs_calls_seconds_count", 0.0);
		double answers = fleet.metrics().getOrDefault(Server.TOKEN_ANSWERS, 0.0);
		String byOperation = fleet.metrics()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith("acs_calls_seconds_count operation="))
			.map((entry) -> String.format(Locale.ROOT, "%.0f %s", entry.getValue(),
					entry.getKey().substring("acs_calls_seconds_count operation=".length())))
			.collect(Collectors.joining(", "));
		this.report.value("12", n + " instances: ACS calls per /token", "",
				String.format(Locale.ROOT,
						"%.4f (%.0f ACS calls: %s / %.0f answers, warm-up and measurement, summed over the %d); "
								+ "one instance (row 7): %.4f",
						calls / answers, calls, byOperation, answers, n, service.acsCalls() / service.tokenAnswers()));
		if (!(calls > 0 && answers > 0)) {
			this.report.problem("the fleet: no ACS calls or no /token answers counted on /actuator/prometheus");
		}
		this.report.value("13", n + " instances: ACS calls per user", "",
				String.format(Locale.ROOT, "%.2f (%.0f calls / %d users); one instance (row 7): %.2f",
						calls / s.users(), calls, s.users(), service.acsCalls() / s.users()));
		LoadResult on = LoadResult.oneAfterAnother(limited.on());
		LoadResult off = LoadResult.oneAfterAnother(limited.off());
		String rounds = IntStream.range(0, limited.on().size())
			.mapToObj((i) -> Report
				.ratio(limited.on().get(i).requestsPerSecond() / limited.off().get(i).requestsPerSecond()))
			.collect(Collectors.joining(", "));
		this.report.load("14", "reuse hit, steady, limits off (A/B with row 3's process)", off, String.format(
				Locale.ROOT,
				"its own process, %s, %d s warm-up; %d rounds of %d s, each followed by %d s on row 3's process "
						+ "(limits on, after rows 6, 15 and 16): %s req/s, p50 %s, p99 %s; limits on against off: %s "
						+ "req/s (rounds: %s), %s p50, %s p99; %d token: buckets in rate_limit_bucket of row 3's "
						+ "database after its last round",
				String.join(" ", Launcher.LIMITS_OFF), s.steadyAfter(), limited.on().size(), s.measure(), s.measure(),
				Report.requestsPerSecond(on.requestsPerSecond()), Report.millis(on.p50Millis()),
				Report.millis(on.p99Millis()), Report.ratio(on.requestsPerSecond() / off.requestsPerSecond()), rounds,
				Report.ratio(on.p50Millis() / off.p50Millis()), Report.ratio(on.p99Millis() / off.p99Millis()),
				limited.buckets()));
	}

	/**
	 * Row 19: the database's statements per {@code /token} answer, the fleet's and the
	 * one instance's.
	 */
	void addStatements(StatementFigures oneInstance, StatementFigures fleet) {
		int n = this.settings.instances();
		if (fleet.counts() == null || oneInstance.counts() == null) {
			this.report.value("19", n + " instances: database statements per /token", "",
					"n/a: PostgreSQL could not count statements (pg_stat_statements)");
			return;
		}
		if (!(fleet.tokenAnswers() > 0 && oneInstance.tokenAnswers() > 0)) {
			this.report.problem("no /token answers counted over the windows of row 19");
		}
		this.report.value("19", n + " instances: database statements per /token", "", String.format(Locale.ROOT,
				"%s over row 11's %d s measured, summed over the %d; one instance (row 3's %d s measured, %s): %s. "
						+ "pg_stat_statements, reset as the window starts and read as it ends: every top-level "
						+ "statement of the database, utility ones and the instances' background jobs included, "
						+ "the benchmark's own reads not, COMMIT and ROLLBACK only at a connection's first (hence "
						+ "the transactions, from pg_stat_database); divided by the /token answers that the "
						+ "instances counted over the window. Most frequent, %d instances: %s. One instance: %s",
				perToken(fleet), this.settings.measure(), n, this.settings.measure(), oneInstance.database(),
				perToken(oneInstance), n, topStatements(fleet), topStatements(oneInstance)));
	}

	private static String perToken(StatementFigures figures) {
		DatabaseStatements.Counts counts = figures.counts();
		return String.format(Locale.ROOT, "%.2f (%d statements in %s / %.0f answers; transactions: %.2f, %d)",
				counts.calls() / figures.tokenAnswers(), counts.calls(), figures.database(), figures.tokenAnswers(),
				counts.transactions() / figures.tokenAnswers(), counts.transactions());
	}

	/** The most frequent statements, each as a Markdown code span. */
	private static String topStatements(StatementFigures figures) {
		return figures.counts()
			.top()
			.stream()
			.map((top) -> String.format(Locale.ROOT, "%d × `%s`", top.calls(),
					top.query().replace("`", "'").replace("|", "\\|")))
			.collect(Collectors.joining(", "));
	}

}
