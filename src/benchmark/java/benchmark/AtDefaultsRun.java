package benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import benchmark.Processes.Child;

/**
 * {@code --at-defaults}: rows 20 to 23, the database's statements per {@code /token} on
 * reuse hits with the per-user rate limit at its defaults (20 a minute), on one instance
 * and on {@code --instances}, and the audit trail's bytes per reuse hit. Each instance
 * first asks once for each of {@code --many-users} users' tokens, one instance after the
 * other and slowly enough for the ACS budget, so that every later answer is a reuse hit.
 * The load is then paced over the users, so that no user exceeds the limit: a 429 fails
 * the run as any answer that is not a 2xx does. Each fleet is measured twice for as long:
 * under load, then idle, so that the statements that run whatever the load
 * (synchronisations, heartbeats, clean-ups) are told from those that requests cause.
 */
final class AtDefaultsRun {

	/** The per-user rate limit's defaults: 20 requests a minute. */
	static final int DEFAULT_PER_MINUTE = 20;

	/**
	 * The reuse counts' flush interval (its default), waited out before an idle window.
	 */
	private static final int FLUSH_SECONDS = 10;

	/** The wait between the load and the idle window: a flush interval and 2 s. */
	static final int IDLE_AFTER_SECONDS = FLUSH_SECONDS + 2;

	/** The first pass's threads: each waits for its request's turn, then sends it. */
	private static final int FIRST_PASS_THREADS = 32;

	private final Settings settings;

	private final Launcher launcher;

	private final Database database;

	private final Wrk wrk;

	private final Checks checks;

	private final Secrets secrets;

	AtDefaultsRun(Settings settings, Launcher launcher, Database database, Wrk wrk, Checks checks, Secrets secrets) {
		this.settings = settings;
		this.launcher = launcher;
		this.database = database;
		this.wrk = wrk;
		this.checks = checks;
		this.secrets = secrets;
	}

	/**
	 * The pause between an answer and a connection's next request that keeps each of the
	 * users under {@code perMinute} requests a minute even when answers take no time.
	 */
	static int delayMillis(int connections, int users, int perMinute) {
		return (int) Math.ceil(connections * 60_000.0 / ((double) users * perMinute));
	}

	/** One instance, then the fleet. */
	List<Figures> measure(Path users, String admin) throws Exception {
		List<Figures> figures = new ArrayList<>();
		figures.add(measure("bench_defaults", 1, users, admin, this.settings.warmup()));
		figures
			.add(measure("bench_defaults_fleet", this.settings.instances(), users, admin, this.settings.fleetWarmup()));
		return figures;
	}

	private Figures measure(String name, int instances, Path users, String admin, int warmup) throws Exception {
		Settings s = this.settings;
		Progress.print(instances + " instance(s) at the per-user rate limit's defaults, " + s.manyUsers() + " users");
		String jdbcUrl = this.database.create(name);
		List<Server> fleet = new ArrayList<>();
		for (int i = 1; i <= instances; i++) {
			fleet.add(this.launcher.startServiceAtDefaults(name.replace('_', '-') + "-" + i, jdbcUrl));
		}
		for (Server instance : fleet) {
			instance.awaitReady();
		}
		List<Path> files = staggered(users, instances);
		int connections = (instances == 1) ? s.connections() : FleetScenario.connectionsEach(s);
		int delay = delayMillis(connections * instances, s.manyUsers(), s.perUser());
		Map<Integer, Long> firstPassFailures = firstPass(name, fleet, users);
		this.checks.warmup(name + " warm-up", load(name + "-warmup", fleet, files, connections, delay, warmup));
		double answersBefore = Server.tokenAnswers(fleet, admin);
		double callsBefore = acsCalls(fleet, admin);
		long start = System.nanoTime();
		DatabaseStatements.Window window = this.database.startStatements(name);
		LoadResult load = this.checks.measured(name, load(name, fleet, files, connections, delay, s.measure()));
		DatabaseStatements.Counts loaded = this.database.readStatements(window);
		double loadSeconds = (System.nanoTime() - start) / 1e9;
		double answers = Server.tokenAnswers(fleet, admin) - answersBefore;
		double acsCalls = acsCalls(fleet, admin) - callsBefore;
		Progress.print(name + ": idle for " + (IDLE_AFTER_SECONDS + s.measure()) + " s");
		Thread.sleep(IDLE_AFTER_SECONDS * 1000L);
		start = System.nanoTime();
		window = this.database.startStatements(name);
		Thread.sleep(s.measure() * 1000L);
		DatabaseStatements.Counts idle = this.database.readStatements(window);
		double idleSeconds = (System.nanoTime() - start) / 1e9;
		for (Server instance : fleet) {
			/* SIGTERM: the instance flushes its reuse counts as it stops. */
			instance.stop();
		}
		return new Figures(name, instances, s.manyUsers(), connections, delay, firstPassFailures, load, answers,
				acsCalls, loaded, loadSeconds, idle, idleSeconds, auditBytes(name));
	}

	/**
	 * Each instance in turn asks once for each user's token, at most
	 * {@link Launcher#FIRST_PASS_CALLS_A_SECOND} requests a second: each is an ACS call
	 * (the user's identity on the first instance, a token of its own on each other),
	 * which the fleet's budget takes. One instance after the other, so that no two create
	 * a user's identity at once. A request not answered 200 is sent once more after the
	 * instance's pass (a cold instance on a busy machine may time out a few).
	 * @return the requests not answered 200 the second time either, by status (0: no
	 * answer)
	 */
	private Map<Integer, Long> firstPass(String name, List<Server> fleet, Path users) throws Exception {
		List<String> tokens = Files.readAllLines(users);
		Map<Integer, Long> failures = new TreeMap<>();
		ExecutorService pool = Executors.newFixedThreadPool(FIRST_PASS_THREADS);
		try {
			for (Server instance : fleet) {
				Progress.print(name + ": first pass over the users on " + instance.process().name() + ", at least "
						+ tokens.size() / Launcher.FIRST_PASS_CALLS_A_SECOND + " s");
				Map<String, Integer> failed = ask(pool, instance, tokens);
				if (!failed.isEmpty()) {
					Progress.print(name + ": " + failed.size() + " not answered 200, by status " + counted(failed)
							+ "; once more");
					failed = ask(pool, instance, List.copyOf(failed.keySet()));
				}
				counted(failed).forEach((status, count) -> failures.merge(status, count, Long::sum));
			}
		}
		finally {
			pool.shutdownNow();
		}
		return failures;
	}

	/**
	 * Asks once for each token, paced; returns those not answered 200, with the status.
	 */
	private static Map<String, Integer> ask(ExecutorService pool, Server instance, List<String> tokens)
			throws InterruptedException {
		long spacing = 1_000_000_000L / Launcher.FIRST_PASS_CALLS_A_SECOND;
		long start = System.nanoTime();
		List<Future<Integer>> answers = new ArrayList<>();
		for (int i = 0; i < tokens.size(); i++) {
			long due = start + i * spacing;
			String token = tokens.get(i);
			answers.add(pool.submit(() -> {
				long wait = due - System.nanoTime();
				if (wait > 0) {
					Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
				}
				return instance.tokenStatus(token);
			}));
		}
		Map<String, Integer> failed = new LinkedHashMap<>();
		for (int i = 0; i < tokens.size(); i++) {
			int status;
			try {
				status = answers.get(i).get();
			}
			catch (ExecutionException ex) {
				status = 0;
			}
			if (status != 200) {
				failed.put(tokens.get(i), status);
			}
		}
		return failed;
	}

	private static Map<Integer, Long> counted(Map<String, Integer> failed) {
		Map<Integer, Long> counts = new TreeMap<>();
		failed.values().forEach((status) -> counts.merge(status, 1L, Long::sum));
		return counts;
	}

	/**
	 * The audit trail after the instances stopped, as they wrote it; then compacted
	 * ({@code VACUUM FULL}) with its reuse rows only, then empty, so that a reuse row's
	 * bytes are told apart from the other rows', the dead versions that its updates leave
	 * and the empty partitions' pages. The database is the run's own and is not used
	 * again.
	 */
	private AuditBytes auditBytes(String name) throws Exception {
		long[] written = this.database.numbers(name, AuditBytes.QUERY);
		long dead = this.database.countRows(name, AuditBytes.DEAD);
		this.database.execute(name, "delete from audit_event where action <> 'TOKEN_REUSE'", "vacuum full audit_event");
		long compacted = this.database.countRows(name, AuditBytes.SIZE);
		this.database.execute(name, "delete from audit_event", "vacuum full audit_event");
		long empty = this.database.countRows(name, AuditBytes.SIZE);
		return new AuditBytes(written[0], written[1], written[2], written[3], dead, compacted, empty);
	}

	private LoadResult load(String name, List<Server> fleet, List<Path> files, int connections, int delay,
			int seconds) {
		int threads = (fleet.size() == 1) ? this.settings.threads() : 1;
		List<Child> runs = new ArrayList<>();
		for (int i = 0; i < fleet.size(); i++) {
			runs.add(this.wrk.startPaced(name + "-" + (i + 1), fleet.get(i).url("/token"), files.get(i), seconds,
					threads, connections, delay));
		}
		return LoadResult.together(runs.stream().map((run) -> Wrk.finish(run, seconds)).toList());
	}

	private static double acsCalls(List<Server> fleet, String admin) throws Exception {
		double calls = 0;
		for (Server instance : fleet) {
			calls += instance.prometheus(admin).getOrDefault("acs_calls_seconds_count", 0.0);
		}
		return calls;
	}

	/**
	 * The file for each instance, each starting its round at another user, as row 11's
	 * do.
	 */
	private List<Path> staggered(Path users, int instances) throws Exception {
		List<String> lines = Files.readAllLines(users);
		List<Path> files = new ArrayList<>(List.of(users));
		for (int i = 1; i < instances; i++) {
			int shift = i * lines.size() / instances;
			List<String> rotated = new ArrayList<>(lines.subList(shift, lines.size()));
			rotated.addAll(lines.subList(0, shift));
			Path file = this.secrets.file("many-users-from-" + shift + ".tokens");
			Files.write(file, rotated);
			files.add(file);
		}
		return files;
	}

	/**
	 * The audit trail after the instances stopped (their last counts flushed).
	 *
	 * @param bytes {@code pg_total_relation_size} summed over the partition tree: every
	 * partition with its indexes and TOAST, as written
	 * @param rows every row
	 * @param reuseRows rows of reuse hits ({@code TOKEN_REUSE})
	 * @param reuseHits the reuse hits that they count ({@code occurrences})
	 * @param deadRows dead row versions not yet vacuumed ({@code n_dead_tup})
	 * @param compactedReuseBytes the size with the reuse rows only, after
	 * {@code VACUUM FULL}
	 * @param emptyBytes the size with no row, after {@code VACUUM FULL}: the partitions'
	 * empty pages
	 */
	record AuditBytes(long bytes, long rows, long reuseRows, long reuseHits, long deadRows, long compactedReuseBytes,
			long emptyBytes) {

		static final String SIZE = """
				select coalesce(sum(pg_total_relation_size(relid)), 0) from pg_partition_tree('audit_event')""";

		static final String QUERY = "select (" + SIZE + """
				), count(*), count(*) filter (where action = 'TOKEN_REUSE'),
				coalesce(sum(occurrences) filter (where action = 'TOKEN_REUSE'), 0) from audit_event""";

		static final String DEAD = """
				select coalesce(sum(n_dead_tup), 0) from pg_stat_user_tables
				where relid in (select relid from pg_partition_tree('audit_event'))""";

		/** A reuse row's bytes with its share of the indexes, compacted. */
		double bytesPerReuseRow() {
			return (double) (this.compactedReuseBytes - this.emptyBytes) / this.reuseRows;
		}

		/** A row's bytes as written, dead versions included, over every row. */
		double bytesPerRowAsWritten() {
			return (double) (this.bytes - this.emptyBytes) / this.rows;
		}

	}

	/**
	 * One fleet's figures: its load and windows, and its audit trail at the end.
	 *
	 * @param database the fleet's database
	 * @param instances its instances
	 * @param users the users of the load, each in turn
	 * @param connections connections to each instance
	 * @param delayMillis each connection's pause between an answer and its next request
	 * @param firstPassFailures requests of the first pass not answered 200, by status (0:
	 * no answer)
	 * @param load the measured window's load, the instances' runs together
	 * @param answers {@code /token} answers that the instances counted over it
	 * @param acsCalls ACS calls over it (none when every answer was a reuse hit)
	 * @param loaded statements over the measured window; null when not counted
	 * @param loadSeconds the measured window's length
	 * @param idle statements over as long a window without load
	 * @param idleSeconds the idle window's length
	 * @param audit the audit trail after the instances stopped
	 */
	record Figures(String database, int instances, int users, int connections, int delayMillis,
			Map<Integer, Long> firstPassFailures, LoadResult load, double answers, double acsCalls,
			DatabaseStatements.Counts loaded, double loadSeconds, DatabaseStatements.Counts idle, double idleSeconds,
			AuditBytes audit) {

		/**
		 * The most requests a minute that a user can send: the connections' pace if
		 * answers took no time, over the users.
		 */
		double mostPerUserAMinute() {
			return this.connections * this.instances * 60_000.0 / this.delayMillis / this.users;
		}

		/** Statements that run whatever the load, per second and instance. */
		double backgroundPerSecondPerInstance() {
			return this.idle.calls() / this.idleSeconds / this.instances;
		}

		/** Statements per answer, the idle window's rate taken off the measured one's. */
		double perRequest() {
			return (this.loaded.calls() - this.idle.calls() * this.loadSeconds / this.idleSeconds) / this.answers;
		}

		/** Transactions per answer, likewise. */
		double transactionsPerRequest() {
			return (this.loaded.transactions() - this.idle.transactions() * this.loadSeconds / this.idleSeconds)
					/ this.answers;
		}

	}

}
