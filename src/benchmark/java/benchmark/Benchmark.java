package benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import benchmark.FleetScenario.FleetFigures;
import benchmark.FloodScenario.FloodFigures;
import benchmark.ReferenceScenario.ReferenceFigures;
import benchmark.ServiceScenarios.LimitedFigures;
import benchmark.ServiceScenarios.ServiceFigures;
import ch.qos.logback.classic.Level;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark of {@code POST /token}: starts everything it needs on loopback (a JWT
 * issuer, PostgreSQL, the ACS emulator, the service, the reference endpoint), loads each
 * with wrk at one fixed concurrency, stops everything and prints one table. What each row
 * means is in {@code docs/benchmarks.md}; {@code scripts/benchmark.sh} builds what this
 * needs and runs it. The service runs as operators run it, every limit on, with
 * capacities that no run reaches; only row 14's own process runs with the limits off.
 * <p>
 * This class is the entry point: it owns what the rows share (the processes, the JWT
 * issuer, PostgreSQL), runs the scenarios in order and writes the table; the scenarios,
 * the rows of the table and the processes are in classes of their own, and
 * {@link Settings} reads the options.
 * <p>
 * Options ({@code --name=value}; seconds unless said): {@code --smoke} (seconds per row,
 * for CI), {@code --connections} (32), {@code --threads} (wrk threads, 2),
 * {@code --users} (200), {@code --warmup} (60: reference, fresh token, direct SDK),
 * {@code --measure} (20), {@code --slice} (10) and {@code --slices} (12) of the warm-up
 * curve, {@code --cold-slice} (4: the curve's slice reported as "after a cold start"),
 * {@code --steady-after} (120: load before the steady reuse measurement),
 * {@code --new-users-warmup} (20), {@code --latency} (50, milliseconds the emulator adds
 * to each ACS call), {@code --instances} (3: the fleet rows), {@code --fleet-warmup}
 * (120), {@code --flood} (15: each measured flood of forged tokens),
 * {@code --flood-warmup} (5: a flood of the same kind before each),
 * {@code --flood-connections} (200: the flood's connections), {@code --flood-users} (20:
 * signed-in users during a flood, a connection each), {@code --flood-delay} (50,
 * milliseconds between a flood user's answer and next request), {@code --jar},
 * {@code --service-args} (more arguments for every service process; one naming an option
 * the benchmark sets replaces it, except a row's own switches),
 * {@code --service-jvm-args} (more flags for every service JVM), {@code --service-java}
 * (the service's {@code java}, another JDK's; otherwise this JVM's), {@code --cold-start}
 * (only rows 1, 2, 9 and 10: the service's warm-up curve, its peak memory and the
 * reference), {@code --lua} (the load rows' wrk script; the flood rows' are beside it),
 * {@code --work}.
 * <p>
 * Two runs of their own, with the per-user rate limit at its defaults and the load paced
 * over {@code --many-users} (8000), each at most {@code --per-user} (3) requests a
 * minute: {@code --at-defaults} (rows 20 to 23: statements per {@code /token} on one
 * instance and on {@code --instances}, background statements, audit bytes per reuse hit;
 * {@code --warmup}, {@code --fleet-warmup} and {@code --measure} as above) and
 * {@code --soak} ({@code --soak-minutes} (30) of reuse hits on {@code --soak-connections}
 * (8) paced at least {@code --soak-delay} (10 ms) apart, and a new user every
 * {@code --new-user-delay} (1000 ms), sampled every {@code --soak-sample} (60) seconds,
 * flat or not after {@code --soak-warmup} (300) seconds).
 * <p>
 * {@code --flood-networks} is a third (rows 24 and 25, issue 28): one service process
 * with every limit at its defaults behind a trusted proxy, the emulator with ACS's limits
 * on; {@code --flood-connections} (200) send forged tokens, each request from the next
 * IPv6 /64 of one /48, for {@code --flood} (20) seconds after {@code --flood-warmup} (5),
 * while new users ask for their first token one after another, {@code --new-user-delay}
 * (200 ms) apart.
 */
public final class Benchmark implements AutoCloseable {

	private final Settings settings;

	private final Processes processes;

	private final Wrk wrk;

	private final Report report = new Report();

	private final Checks checks;

	private final Secrets secrets;

	/* What the run starts before it measures; null until then. */

	private TestJwtIssuer issuer;

	/** The issuer's key set as the service and the reference fetch it, counted. */
	private KeySetServer keySet;

	private Database database;

	private Benchmark(Settings settings) {
		this.settings = settings;
		this.checks = new Checks(this.report, settings.smoke());
		this.processes = new Processes(settings.work());
		this.wrk = new Wrk(this.processes, settings.lua(), settings.threads(), settings.connections());
		this.secrets = new Secrets(settings.work(), this.report);
	}

	public static void main(String[] args) throws Exception {
		/*
		 * Embedded PostgreSQL logs every line of its start-up at INFO; the table is what
		 * counts.
		 */
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		/*
		 * The JDK's HTTP server serves the issuer's key set. Without TCP_NODELAY each of
		 * its answers waits about 40 ms (Nagle's algorithm against the client's delayed
		 * acknowledgement), and the flood rows, which make the servers fetch the key set
		 * again and again, would measure that wait.
		 */
		System.setProperty("sun.net.httpserver.nodelay", "true");
		Settings settings = Settings.of(Settings.options(args));
		recreate(settings.work());
		int status;
		try (Benchmark benchmark = new Benchmark(settings)) {
			status = benchmark.run();
		}
		System.exit(status);
	}

	/**
	 * The rows in the order they are measured, then the table in the order of the rows.
	 */
	private int run() throws Exception {
		Settings s = this.settings;
		Progress.print("signing tokens");
		this.issuer = new TestJwtIssuer();
		this.keySet = new KeySetServer(this.issuer.jwkSetUri());
		if (s.atDefaults() || s.soak()) {
			return runManyUsers();
		}
		if (s.floodNetworks()) {
			return runFloodNetworks();
		}
		Tokens tokens = Tokens.sign(s, this.issuer, this.secrets);
		Progress.print("starting PostgreSQL and the ACS emulator (+" + s.latencyMillis() + " ms a call)");
		this.database = Database.start(s, this.processes, this.secrets.databasePassword(), this.report);
		Emulator emulator = Emulator.start(s, this.processes, this.secrets.accessKey(), false);
		Launcher launcher = new Launcher(s, this.processes, emulator, this.keySet, this.secrets.databasePassword());
		ServiceScenarios services = new ServiceScenarios(s, launcher, this.database, this.wrk, this.checks,
				this.report);
		FloodScenario floods = new FloodScenario(s, this.wrk, this.issuer, this.keySet, this.secrets, this.checks,
				this.report);
		ReferenceScenario references = new ReferenceScenario(s, launcher, this.wrk, this.checks, floods, this.report);
		ReportHeader header = new ReportHeader(s, this.report);
		ServiceRows serviceRows = new ServiceRows(s, this.report);
		if (s.coldStart()) {
			new ColdStartRun(launcher, this.database, services, references, header, serviceRows).run(tokens);
			return finish(tokens, List.of());
		}
		ServiceFigures service = services.withReuse(tokens);
		FloodFigures serviceFlood = floods.flood("service", service.server(), tokens.floodUsers());
		LimitedFigures limited = services.limitsOff(tokens.users(), service.server());
		service.server().stop();
		FleetFigures fleet = new FleetScenario(s, launcher, this.database, this.wrk, this.checks, this.secrets)
			.measure(tokens);
		ReferenceFigures reference = references.measure(tokens, service.bodySize(), true);
		LoadResult fresh = services.freshTokens(tokens.users());
		Progress.print("direct SDK calls");
		LoadResult sdk = this.checks.measured("direct SDK call", launcher.sdkLoad());

		header.add(service.bodySize());
		serviceRows.add(service, reference, fresh, sdk);
		FleetRows fleetRows = new FleetRows(s, this.report);
		fleetRows.add(service, fleet, limited);
		new FloodRows(s, this.report).add(serviceFlood, reference.flood());
		fleetRows.addStatements(service.statements(), fleet.statements());
		List<String> secrets = new ArrayList<>(
				List.of(tokens.admin(), Files.readAllLines(tokens.newUsersMeasured()).get(0)));
		secrets.addAll(floods.forgedTokens());
		return finish(tokens, secrets);
	}

	/**
	 * {@code --at-defaults} (rows 20 to 23) or {@code --soak}: the per-user rate limit at
	 * its defaults, the load over many users.
	 */
	private int runManyUsers() throws Exception {
		Settings s = this.settings;
		Path users = Tokens.write(this.issuer, this.secrets, "many-users", s.manyUsers(), "bench-many-");
		Path newUsers = s.soak()
				? Tokens.write(this.issuer, this.secrets, "soak-new-users", SoakRun.newUsers(s), "bench-soak-new-")
				: null;
		String admin = Tokens.admin(this.issuer);
		Progress.print("starting PostgreSQL and the ACS emulator (+" + s.latencyMillis() + " ms a call)");
		this.database = Database.start(s, this.processes, this.secrets.databasePassword(), this.report);
		Emulator emulator = Emulator.start(s, this.processes, this.secrets.accessKey(), false);
		Launcher launcher = new Launcher(s, this.processes, emulator, this.keySet, this.secrets.databasePassword());
		String load = Files.readString(Path.of("/proc/loadavg")).strip();
		new ReportHeader(s, this.report).addManyUsers();
		if (s.soak()) {
			SoakRun soak = new SoakRun(s, launcher, this.database, this.wrk, this.checks);
			new SoakTable(this.report).add(soak.run(users, newUsers, admin), s);
		}
		else {
			new AtDefaultsRows(this.report)
				.add(new AtDefaultsRun(s, launcher, this.database, this.wrk, this.checks, this.secrets).measure(users,
						admin));
		}
		this.report.header("Load average (/proc/loadavg) before: " + load + "; after: "
				+ Files.readString(Path.of("/proc/loadavg")).strip());
		List<String> secrets = new ArrayList<>(List.of(admin, Files.readAllLines(users).get(0)));
		if (newUsers != null) {
			secrets.add(Files.readAllLines(newUsers).get(0));
		}
		return finish(secrets);
	}

	/**
	 * {@code --flood-networks} (rows 24 and 25): a flood of forged tokens from rotating
	 * /64s beside new users, on one service process with every limit at its defaults.
	 */
	private int runFloodNetworks() throws Exception {
		Settings s = this.settings;
		List<String> forged = new ArrayList<>();
		for (int i = 0; i < FloodNetworksRun.FORGED_TOKENS; i++) {
			forged.add(this.issuer.tokenSignedByOtherKey("bench-forger-" + i));
		}
		Path forgedFile = this.secrets.file("forged-networks.tokens");
		Files.write(forgedFile, forged);
		Path warmupUsers = Tokens.write(this.issuer, this.secrets, "networks-new-users-warmup",
				FloodNetworksRun.newUsers(s, s.floodWarmup()), "bench-networks-warmup-");
		Path measuredUsers = Tokens.write(this.issuer, this.secrets, "networks-new-users",
				FloodNetworksRun.newUsers(s, s.flood()), "bench-networks-new-");
		String firstUser = firstLine(
				Tokens.write(this.issuer, this.secrets, "networks-first-user", 1, "bench-networks-first-"));
		Progress
			.print("starting PostgreSQL and the ACS emulator (+" + s.latencyMillis() + " ms a call, ACS's limits on)");
		this.database = Database.start(s, this.processes, this.secrets.databasePassword(), this.report);
		Emulator emulator = Emulator.start(s, this.processes, this.secrets.accessKey(), true);
		Launcher launcher = new Launcher(s, this.processes, emulator, this.keySet, this.secrets.databasePassword());
		String load = Files.readString(Path.of("/proc/loadavg")).strip();
		new ReportHeader(s, this.report).addFloodNetworks();
		new FloodNetworksRows(s, this.report)
			.add(new FloodNetworksRun(s, launcher, this.database, this.wrk, this.checks, this.keySet).run(forgedFile,
					warmupUsers, measuredUsers, firstUser));
		this.report.header("Load average (/proc/loadavg) before: " + load + "; after: "
				+ Files.readString(Path.of("/proc/loadavg")).strip());
		List<String> secrets = new ArrayList<>(forged);
		secrets.addAll(List.of(firstUser, firstLine(measuredUsers), firstLine(warmupUsers)));
		return finish(secrets);
	}

	private static String firstLine(Path file) throws IOException {
		return Files.readAllLines(file).get(0);
	}

	/**
	 * Checks the logs for the secrets of the run (the access key, the database password,
	 * a user's token and the {@code more} of the rows run) and prints the table.
	 */
	private int finish(Tokens tokens, List<String> more) throws IOException {
		List<String> secrets = new ArrayList<>(List.of(tokens.firstUser()));
		secrets.addAll(more);
		return finish(secrets);
	}

	/**
	 * Checks the logs for the access key, the database password and the {@code secrets}
	 * of the run, and prints the table, with the services' WARN and ERROR lines when the
	 * run has problems.
	 */
	private int finish(List<String> secrets) throws IOException {
		this.secrets.checkNoneLogged(secrets);
		if (!this.report.problems().isEmpty()) {
			this.report.explain(LogDigest.of(this.settings.work()));
		}
		String table = this.report.render();
		System.out.print(table);
		Files.writeString(this.settings.work().resolve("results.md"), table);
		return this.report.problems().isEmpty() ? 0 : 1;
	}

	@Override
	public void close() {
		this.processes.close();
		if (this.database != null) {
			this.database.close();
		}
		if (this.keySet != null) {
			this.keySet.close();
		}
		if (this.issuer != null) {
			this.issuer.close();
		}
		this.secrets.deleteFiles();
	}

	private static void recreate(Path directory) throws IOException {
		if (Files.exists(directory)) {
			try (Stream<Path> paths = Files.walk(directory)) {
				for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
					Files.delete(path);
				}
			}
		}
		Files.createDirectories(directory);
	}

}
