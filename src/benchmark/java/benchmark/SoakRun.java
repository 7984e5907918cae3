package benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import benchmark.Processes.Child;

/**
 * {@code --soak}: one service process as the benchmark runs it (production mode,
 * PostgreSQL, every limit on, the per-user rate limit at its defaults) under a steady
 * paced load of reuse hits over {@code --many-users} and a trickle of new users beside it
 * (a second wrk, one connection, {@code --new-user-delay} between them), for
 * {@code --soak-minutes}. Every {@code --soak-sample} seconds (a minute) it samples the
 * process's resident memory, the database's connections, each table's size with its
 * indexes and its rows, and the queues and maps that the service reports on
 * {@code /actuator/prometheus}; {@link SoakTable} prints them and says which stayed flat
 * after {@code --soak-warmup}.
 */
final class SoakRun {

	/**
	 * The service's gauges of what it holds: the audit queue, the reuse counts waiting
	 * for their flush, the mirrored buckets, the identities waiting for deletion at ACS,
	 * the connection pools (all pools added up), the threads, and the JVM's memory (every
	 * area added up). Those present are sampled.
	 */
	static final List<String> GAUGES = List.of("acs_audit_queue", "acs_audit_reuse_tallies", "acs_fleet_bucket_mirrors",
			"acs_identity_deletions_pending", "hikaricp_connections", "hikaricp_connections_active",
			"hikaricp_connections_pending", "jvm_threads_live_threads", "jvm_memory_used_bytes");

	/**
	 * Each gauge is the highest of this many reads over the seconds before a sample
	 * (spread evenly, the last at the sample's time), so that one that fills and empties
	 * with a flush (the reuse counts every 10 s) reads at its top whatever the sample's
	 * phase.
	 */
	private static final int GAUGE_READS = 6;

	/**
	 * The reads' span: the reuse counts' flush interval, or the sample's when shorter.
	 */
	private static final int GAUGE_WINDOW_SECONDS = 10;

	private final Settings settings;

	private final Launcher launcher;

	private final Database database;

	private final Wrk wrk;

	private final Checks checks;

	SoakRun(Settings settings, Launcher launcher, Database database, Wrk wrk, Checks checks) {
		this.settings = settings;
		this.launcher = launcher;
		this.database = database;
		this.wrk = wrk;
		this.checks = checks;
	}

	/** How many new users the soak can take: one per pause and a margin. */
	static int newUsers(Settings s) {
		return s.soakMinutes() * 60_000 / Math.max(1, s.newUserDelayMillis()) + 100;
	}

	/**
	 * Runs the soak and returns its samples, one per interval, the load's results
	 * checked.
	 */
	Figures run(Path users, Path newUsers, String admin) throws Exception {
		Settings s = this.settings;
		String name = "bench_soak";
		Server service = this.launcher.startServiceAtDefaults("service-soak", this.database.create(name));
		service.awaitReady();
		int seconds = s.soakMinutes() * 60;
		int delay = Math.max(s.soakDelayMillis(),
				AtDefaultsRun.delayMillis(s.soakConnections(), s.manyUsers(), s.perUser()));
		Progress.print(String.format(
				"soak: %d min, %d connections pausing %d ms over %d users, a new user every "
						+ "%d ms; a sample every %d s",
				s.soakMinutes(), s.soakConnections(), delay, s.manyUsers(), s.newUserDelayMillis(), s.soakSample()));
		String url = service.url("/token");
		Child steady = this.wrk.startPaced("soak-reuse", url, users, seconds, 1, s.soakConnections(), delay);
		Child trickle = this.wrk.startPaced("soak-new-users", url, newUsers, seconds, 1, 1, s.newUserDelayMillis());
		long start = System.nanoTime();
		List<Sample> samples = new ArrayList<>();
		long window = Math.min(GAUGE_WINDOW_SECONDS, s.soakSample()) * 1_000_000_000L;
		for (int i = 1; i * s.soakSample() <= seconds; i++) {
			long due = start + i * s.soakSample() * 1_000_000_000L;
			Map<String, Double> gauges = new LinkedHashMap<>();
			Map<String, Double> metrics = Map.of();
			for (int read = 0; read < GAUGE_READS; read++) {
				sleepUntil(due - window + window * read / (GAUGE_READS - 1));
				metrics = service.prometheus(admin);
				for (String gauge : GAUGES) {
					if (metrics.containsKey(gauge)) {
						gauges.merge(gauge, metrics.get(gauge), Math::max);
					}
				}
			}
			samples.add(sample(service, name, i * s.soakSample(), metrics, gauges));
			Progress.print("soak: " + samples.get(samples.size() - 1).brief());
		}
		LoadResult reuse = this.checks.measured("soak, reuse hits", Wrk.finish(steady, seconds));
		LoadResult fresh = this.checks.measured("soak, new users", this.checks.allNew(Wrk.finish(trickle, seconds)));
		service.stop();
		return new Figures(samples, reuse, fresh, s.soakConnections(), delay);
	}

	private static void sleepUntil(long nanos) throws InterruptedException {
		long wait = nanos - System.nanoTime();
		if (wait > 0) {
			Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
		}
	}

	/**
	 * The sample at its time: the process's memory, the database's connections, tables
	 * and identities; the counters of the last read of {@code /actuator/prometheus} and
	 * the gauges' highest over the reads before.
	 */
	private Sample sample(Server service, String database, int second, Map<String, Double> metrics,
			Map<String, Double> gauges) throws Exception {
		long connections = this.database.connections(database);
		long residentKib = service.process().residentKib();
		return new Sample(second, residentKib, connections,
				this.database.countRows(database, "select count(*) from acs_identity"),
				metrics.getOrDefault(Server.TOKEN_ANSWERS, 0.0), metrics.getOrDefault("acs_calls_seconds_count", 0.0),
				new TreeMap<>(this.database.tableSizes(database)), new TreeMap<>(this.database.tableRows(database)),
				gauges);
	}

	/**
	 * One sample.
	 *
	 * @param second seconds since the load started
	 * @param residentKib the service's VmRSS
	 * @param connections connections to its database ({@code pg_stat_activity})
	 * @param identities rows of {@code acs_identity}: the users seen so far
	 * @param answers {@code /token} answers so far
	 * @param acsCalls ACS calls so far
	 * @param tables each table's bytes with its indexes (and partitions)
	 * @param rows each table's rows
	 * @param gauges the service's gauges, {@link #GAUGES} that it reports, each the
	 * highest of its reads before the sample
	 */
	record Sample(int second, long residentKib, long connections, long identities, double answers, double acsCalls,
			Map<String, Long> tables, Map<String, Long> rows, Map<String, Double> gauges) {

		String brief() {
			return String.format("%d s, %d MiB resident, %d connections, %d identities, audit_event %d kB", this.second,
					this.residentKib / 1024, this.connections, this.identities,
					this.tables.getOrDefault("audit_event", 0L) / 1024);
		}

	}

	/**
	 * The soak: its samples, and the two loads' results.
	 *
	 * @param samples one per interval
	 * @param reuse the steady load of reuse hits
	 * @param newUsers the trickle of new users
	 * @param connections the steady load's connections
	 * @param delayMillis the steady load's pause between an answer and a connection's
	 * next request
	 */
	record Figures(List<Sample> samples, LoadResult reuse, LoadResult newUsers, int connections, int delayMillis) {
	}

}
