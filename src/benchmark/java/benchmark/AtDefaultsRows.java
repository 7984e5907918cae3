package benchmark;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import benchmark.AtDefaultsRun.AuditBytes;
import benchmark.AtDefaultsRun.Figures;

/**
 * Rows 20 to 23 of {@code --at-defaults}: statements per {@code /token} on one instance
 * and on the fleet, the statements that run without load, and the audit trail's bytes per
 * million reuse hits with what they make a day at 1,000 reuse hits a second over 200,000
 * users.
 */
final class AtDefaultsRows {

	/** Issue 29's load: 1,000 reuse hits a second over 200,000 users. */
	private static final double HITS_PER_SECOND = 1000;

	private static final double USERS = 200_000;

	/** The reuse counts' period, its default: a row per user and hour. */
	private static final double PERIOD_SECONDS = 3600;

	/** Issue 29's targets: statements per reuse hit, audit GB a day. */
	private static final double TARGET_STATEMENTS = 0.05;

	private static final double TARGET_GB_A_DAY = 3.5;

	/**
	 * A day of the trail at that load when every hit was a row of its own: 86.4 million
	 * rows of 445 bytes (docs/benchmarks/2026-12-07-audit-retention.md).
	 */
	private static final double ROW_PER_HIT_GB_A_DAY = 38;

	private final Report report;

	AtDefaultsRows(Report report) {
		this.report = report;
	}

	void add(List<Figures> runs) {
		for (Figures run : runs) {
			if (!run.firstPassFailures().isEmpty()) {
				this.report.problem(run.database() + ": requests of the first pass not answered 200, by status (0: no "
						+ "answer): " + run.firstPassFailures());
			}
			if (run.loaded() == null || run.idle() == null) {
				this.report.value(row(run, "20", "21"), statementsTitle(run), "",
						"n/a: PostgreSQL could not count statements (pg_stat_statements)");
				continue;
			}
			if (!(run.answers() > 0)) {
				this.report.problem(run.database() + ": no /token answers counted over the measured window");
				continue;
			}
			if (run.acsCalls() > 0) {
				this.report.problem(run.database() + ": " + (long) run.acsCalls()
						+ " ACS calls in the measured window: not every answer was a reuse hit");
			}
			this.report.value(row(run, "20", "21"), statementsTitle(run),
					String.format(Locale.ROOT, "%.4f (target ≤ %.2f)", run.perRequest(), TARGET_STATEMENTS),
					String.format(Locale.ROOT,
							"requests' statements per /token: the idle window's rate taken off. %d × %d connections, "
									+ "each pausing %d ms between an answer and its next request, over %d users (at "
									+ "most %.1f requests a minute each, %.1f in fact; the limit's default is %d); %.0f "
									+ "answers in %.1f s (%s req/s), %.0f ACS calls. In %s under load: %d statements (%.4f per "
									+ "/token), %d transactions; idle for %.1f s: %d statements, %d transactions. "
									+ "Transactions per /token, idle rate taken off: %.4f. At %.0f reuse hits a "
									+ "second: %.0f statements a second from the requests, %.1f a second per instance "
									+ "in the background. Most frequent under load: %s. Idle: %s",
							run.instances(), run.connections(), run.delayMillis(), run.users(),
							run.mostPerUserAMinute(), run.answers() * 60 / run.loadSeconds() / run.users(),
							AtDefaultsRun.DEFAULT_PER_MINUTE, run.answers(), run.loadSeconds(),
							Report.requestsPerSecond(run.load().requestsPerSecond()), run.acsCalls(), run.database(),
							run.loaded().calls(), run.loaded().calls() / run.answers(), run.loaded().transactions(),
							run.idleSeconds(), run.idle().calls(), run.idle().transactions(),
							run.transactionsPerRequest(), HITS_PER_SECOND,
							HITS_PER_SECOND * Math.max(run.perRequest(), 0), run.backgroundPerSecondPerInstance(),
							top(run.loaded()), top(run.idle())));
		}
		List<Figures> counted = runs.stream().filter((run) -> run.idle() != null).toList();
		if (!counted.isEmpty()) {
			this.report.value("22", "background statements a second per instance",
					counted.stream()
						.map((run) -> String.format(Locale.ROOT, "%.2f (%d)", run.backgroundPerSecondPerInstance(),
								run.instances()))
						.collect(Collectors.joining(", ")),
					"without load, " + AtDefaultsRun.IDLE_AFTER_SECONDS + " s after it (the reuse counts' flush "
							+ "interval and 2 s), for as long as the measured window: statements / seconds / "
							+ "instances, for one instance and for the fleet (instances in brackets)");
		}
		for (Figures run : runs) {
			addAuditBytes(run);
		}
	}

	private void addAuditBytes(Figures run) {
		AuditBytes audit = run.audit();
		if (audit.reuseHits() == 0 || audit.reuseRows() == 0) {
			this.report.problem(run.database() + ": the audit trail counts no reuse hit");
			return;
		}
		double perRow = audit.bytesPerReuseRow();
		/*
		 * At issue 29's load every user has hits in every period: a row per user and
		 * period.
		 */
		double hitsPerRow = HITS_PER_SECOND * PERIOD_SECONDS / USERS;
		double rowsADay = USERS * 86_400 / PERIOD_SECONDS;
		double dayGb = rowsADay * perRow / 1e9;
		double dayGbAsWritten = rowsADay * audit.bytesPerRowAsWritten() / 1e9;
		this.report.value((run.instances() == 1) ? "23" : "23 (" + run.instances() + ")",
				"audit bytes per million reuse hits"
						+ ((run.instances() == 1) ? "" : ", " + run.instances() + " instances"),
				String.format(Locale.ROOT, "%.1f MB; %.2f GB a day (target < %.1f)", perRow * 1e6 / hitsPerRow / 1e6,
						dayGb, TARGET_GB_A_DAY),
				String.format(Locale.ROOT,
						"pg_total_relation_size of audit_event's partitions with their indexes, after the instances "
								+ "stopped (their last counts flushed): %d bytes, %d rows (%d of reuse hits, counting %d "
								+ "hits, %.1f a row; the others the users' identities and tokens), %d dead versions; "
								+ "%.0f bytes a row as written. Compacted (VACUUM FULL) with the reuse rows only: %d "
								+ "bytes, empty: %d; %.0f bytes a reuse row. At %.0f reuse hits a second over %.0f "
								+ "users, one-hour periods: %.0f hits a row, %.0f rows a day: %.1f MB per million "
								+ "hits, %.2f GB a day compacted (%.2f GB at this run's bytes a row as written, dead "
								+ "versions not yet vacuumed included: how many depends on the run); %.0f GB a day "
								+ "when every hit was a row",
						audit.bytes(), audit.rows(), audit.reuseRows(), audit.reuseHits(),
						(double) audit.reuseHits() / audit.reuseRows(), audit.deadRows(), audit.bytesPerRowAsWritten(),
						audit.compactedReuseBytes(), audit.emptyBytes(), perRow, HITS_PER_SECOND, USERS, hitsPerRow,
						rowsADay, perRow * 1e6 / hitsPerRow / 1e6, dayGb, dayGbAsWritten, ROW_PER_HIT_GB_A_DAY));
	}

	private static String row(Figures run, String one, String fleet) {
		return (run.instances() == 1) ? one : fleet;
	}

	private static String statementsTitle(Figures run) {
		return run.instances() + ((run.instances() == 1) ? " instance" : " instances")
				+ ", rate limit at its defaults: statements per /token (reuse hits)";
	}

	private static String top(DatabaseStatements.Counts counts) {
		return counts.top()
			.stream()
			.map((top) -> String.format(Locale.ROOT, "%d × `%s`", top.calls(),
					top.query().replace("`", "'").replace("|", "\\|")))
			.collect(Collectors.joining(", "));
	}

}
