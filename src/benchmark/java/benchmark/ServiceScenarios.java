package benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rows measured on one service process at a time: token reuse from a cold start (rows
 * 2, 3, 6, 7, the service's 8 and 9, 10, and the one instance of row 19), token reuse off
 * (row 4), and the limits off against on (row 14).
 */
final class ServiceScenarios {

	/** Rounds of row 14: limits off, then limits on. */
	private static final int AB_ROUNDS = 3;

	private final Settings settings;

	private final Launcher launcher;

	private final Database database;

	private final Wrk wrk;

	private final Checks checks;

	private final Report report;

	ServiceScenarios(Settings settings, Launcher launcher, Database database, Wrk wrk, Checks checks, Report report) {
		this.settings = settings;
		this.launcher = launcher;
		this.database = database;
		this.wrk = wrk;
		this.checks = checks;
		this.report = report;
	}

	/**
	 * Rows 2, 3, 6, 7, the service's 8 and 9, 10, and the one instance of row 19: one
	 * service process from its cold start, 200 users in turn, then new users. The
	 * database's statements are counted over row 3's measurement.
	 */
	ServiceFigures withReuse(Tokens tokens) throws Exception {
		Settings s = this.settings;
		Progress.print("service, token reuse on, from a cold start");
		Server service = this.launcher.startService("service-reuse", this.database.create("bench_reuse"), List.of());
		Duration startup = service.awaitReady();
		String url = service.url("/token");
		List<LoadResult> curve = warmupCurve(url, tokens.users());
		int beforeSteady = s.steadyAfter() - s.slices() * s.slice();
		if (beforeSteady > 0) {
			this.checks.warmup("reuse warm-up", this.wrk.run("reuse-warmup", url, tokens.users(), beforeSteady));
		}
		double answersBefore = Server.tokenAnswers(List.of(service), tokens.admin());
		DatabaseStatements.Window window = this.database.startStatements("bench_reuse");
		LoadResult steady = this.checks.measured("reuse hit, steady",
				this.wrk.run("reuse-steady", url, tokens.users(), s.measure()));
		DatabaseStatements.Counts statements = this.database.readStatements(window);
		Map<String, Double> metrics = service.prometheus(tokens.admin());
		int bodySize = service.tokenBodySize(tokens.firstUser());
		Progress.print("service, new users");
		this.checks.warmup("new users, warm-up",
				this.checks.allNew(this.wrk.run("new-users-warmup", url, tokens.newUsersWarmup(), s.newUsersWarmup())));
		LoadResult newUsers = this.checks.measured("new users",
				this.checks.allNew(this.wrk.run("new-users", url, tokens.newUsersMeasured(), s.measure())));
		long residentKib = service.process().residentKib();
		long peakKib = service.process().peakResidentKib();
		double answers = metrics.getOrDefault(Server.TOKEN_ANSWERS, 0.0);
		return new ServiceFigures(service, startup, curve, steady, metrics.getOrDefault("acs_calls_seconds_count", 0.0),
				answers, bodySize, newUsers, residentKib, peakKib,
				new StatementFigures("bench_reuse", statements, answers - answersBefore));
	}

	/** Row 10: the service's req/s in slices of load from its cold start. */
	List<LoadResult> warmupCurve(String url, Path users) {
		List<LoadResult> curve = new ArrayList<>();
		for (int slice = 1; slice <= this.settings.slices(); slice++) {
			curve.add(this.checks.warmup("warm-up curve slice " + slice,
					this.wrk.run("reuse-slice-" + slice, url, users, this.settings.slice())));
		}
		return curve;
	}

	/** Row 4: a service process that never reuses a token. */
	LoadResult freshTokens(Path users) throws Exception {
		Progress.print("service, token reuse off");
		Server fresh = this.launcher.startService("service-fresh", this.database.create("bench_fresh"),
				List.of("--token-service.tokens.reuse.enabled=false"));
		fresh.awaitReady();
		String url = fresh.url("/token");
		this.checks.warmup("fresh token warm-up", this.wrk.run("fresh-warmup", url, users, this.settings.warmup()));
		LoadResult load = this.checks.measured("fresh token",
				this.wrk.run("fresh", url, users, this.settings.measure()));
		fresh.stop();
		return load;
	}

	/**
	 * Row 14: row 3 again, on a service process of its own whose limits are off
	 * ({@link Launcher#LIMITS_OFF}), against row 3's process (every limit on). After the
	 * same load since its start as row 3's, it is measured in {@link #AB_ROUNDS} rounds,
	 * each followed by as long a measurement of row 3's process (idle meanwhile), so that
	 * both see the same conditions on a shared machine.
	 */
	LimitedFigures limitsOff(Path users, Server limited) throws Exception {
		Settings s = this.settings;
		Progress.print("service, token reuse on, limits off, against row 3's process (limits on)");
		Server unlimited = this.launcher.startService("service-unlimited", this.database.create("bench_unlimited"),
				Launcher.LIMITS_OFF);
		unlimited.awaitReady();
		String url = unlimited.url("/token");
		this.checks.warmup("limits off, warm-up", this.wrk.run("unlimited-warmup", url, users, s.steadyAfter()));
		List<LoadResult> on = new ArrayList<>();
		List<LoadResult> off = new ArrayList<>();
		for (int round = 1; round <= AB_ROUNDS; round++) {
			off.add(this.checks.measured("reuse hit, steady, limits off, round " + round,
					this.wrk.run("limits-off-" + round, url, users, s.measure())));
			on.add(this.checks.measured("reuse hit, steady, limits on, round " + round,
					this.wrk.run("limits-on-" + round, limited.url("/token"), users, s.measure())));
		}
		/*
		 * Right after the last round on row 3's process: a store that writes its buckets
		 * in batches and drops the rows of full buckets a while later still holds them.
		 */
		long buckets = this.database.countRows("bench_reuse",
				"select count(*) from rate_limit_bucket where id like 'token:%'");
		if (buckets < s.users()) {
			this.report.problem("the per-user rate limit of row 3's process kept " + buckets
					+ " buckets in PostgreSQL for " + s.users() + " users");
		}
		unlimited.stop();
		return new LimitedFigures(on, off, buckets);
	}

	/**
	 * What the service with token reuse gave, and its process, still running for the
	 * flood and row 14.
	 */
	record ServiceFigures(Server server, Duration startup, List<LoadResult> curve, LoadResult steady, double acsCalls,
			double tokenAnswers, int bodySize, LoadResult newUsers, long residentKib, long peakResidentKib,
			StatementFigures statements) {
	}

	/**
	 * Row 14: the rounds of its own process with the limits off and, each after one of
	 * them, row 3's process with every limit on.
	 */
	record LimitedFigures(List<LoadResult> on, List<LoadResult> off, long buckets) {
	}

}
