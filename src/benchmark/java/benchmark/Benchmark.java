package benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import benchmark.Processes.Child;
import ch.qos.logback.classic.Level;
import com.nimbusds.jwt.JWTClaimsSet;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
 */
public final class Benchmark implements AutoCloseable {

	/**
	 * The image's JVM flags ({@code JAVA_TOOL_OPTIONS} in the Dockerfile), for the
	 * service, the reference and the SDK client alike; -Xmx576m is what the image's
	 * -XX:MaxRAMPercentage=75 gives under the Kubernetes memory limit of 768 MiB.
	 */
	static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx576m",
			"-XX:+ExitOnOutOfMemoryError", "-XX:CICompilerCount=6", "-XX:-UseDynamicNumberOfCompilerThreads");

	private static final Duration READY_WITHIN = Duration.ofSeconds(120);

	private static final String DATABASE_USER = "postgres";

	/** Rounds of row 14: limits off, then limits on. */
	private static final int AB_ROUNDS = 3;

	/**
	 * A capacity that no run reaches: a limit that takes from every request, never
	 * refuses.
	 */
	private static final int UNREACHABLE = 1_000_000_000;

	/**
	 * The service's configuration as operators run it, every limit on (the per-user rate
	 * limit, the fleet's ACS call budget, the failed sign-in limit: their defaults), but
	 * with capacities that no run reaches, so that the load measures the limits' cost and
	 * not their refusals. Periods and the failed sign-in limit stay at their defaults.
	 */
	private static final List<String> LIMITS_UNREACHABLE = List.of("--policy.rate-limit.capacity=" + UNREACHABLE,
			"--acs.budget.calls=" + UNREACHABLE);

	/**
	 * Row 14's own process: the limits that have a switch, off. The failed sign-in limit
	 * has none; it counts failed sign-ins only, and row 14 has none.
	 */
	private static final List<String> LIMITS_OFF = List.of("--policy.rate-limit.enabled=false",
			"--acs.budget.enabled=false");

	/**
	 * The emulator enforces ACS's limits unless told otherwise (1000 issue-token calls
	 * per 30 s, and so on), which rows 4 to 6 exceed: they measure the service, not ACS's
	 * refusals.
	 */
	private static final String EMULATOR_LIMITS_OFF = "--acs.emulator.limits.enabled=false";

	/** The most frequent statements named in row 19's note, for each window. */
	private static final int TOP_STATEMENTS = 5;

	/** The service's count of {@code /token} answers, as {@link #prometheus} sums it. */
	private static final String TOKEN_ANSWERS = "http_server_requests_seconds_count /token";

	private final Settings settings;

	private final Processes processes;

	private final Wrk wrk;

	private final Report report = new Report();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String accessKey = randomKey();

	private final String databasePassword = randomKey();

	private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");

	private TestJwtIssuer issuer;

	/** The issuer's key set as the service and the reference fetch it, counted. */
	private KeySetServer keySet;

	private EmbeddedPostgres postgres;

	private Child emulator;

	private int emulatorPort;

	private Path certificate;

	private String adminToken;

	/** The flood rows' forged tokens, one signed before each flood. */
	private final List<String> forgedTokens = new ArrayList<>();

	/** Row 19's counts; null when PostgreSQL cannot count statements. */
	private DatabaseStatements statements;

	private Benchmark(Settings settings) {
		this.settings = settings;
		this.processes = new Processes(settings.work());
		this.wrk = new Wrk(this.processes, settings.lua(), settings.threads(), settings.connections());
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

	private int run() throws Exception {
		progress("signing tokens");
		this.issuer = new TestJwtIssuer();
		this.keySet = new KeySetServer(this.issuer.jwkSetUri());
		Tokens tokens = signTokens();
		progress("starting PostgreSQL and the ACS emulator (+" + this.settings.latencyMillis() + " ms a call)");
		startPostgres();
		startEmulator();
		if (this.settings.coldStart()) {
			return runColdStart(tokens);
		}
		ServiceFigures service = measureServiceWithReuse(tokens);
		FloodFigures serviceFlood = flood("service", service.server(), tokens.floodUsers());
		LimitedFigures limited = measureLimitsOff(tokens.users(), service.server());
		stop(service.server());
		FleetFigures fleet = measureFleet(tokens.users());
		ReferenceFigures reference = measureReference(tokens, service.bodySize(), true);
		LoadResult fresh = measureFreshTokens(tokens.users());
		progress("direct SDK calls");
		LoadResult sdk = measured("direct SDK call", sdkLoad());

		header(service.bodySize());
		addRows(service, reference, fresh, sdk);
		addFleetRows(service, fleet, limited);
		addFloodRows(serviceFlood, reference.flood());
		addStatementsRow(service.statements(), fleet.statements());
		List<String> secrets = new ArrayList<>(
				List.of(this.adminToken, Files.readAllLines(tokens.newUsersMeasured()).get(0)));
		secrets.addAll(this.forgedTokens);
		return finish(tokens, secrets);
	}

	/**
	 * Checks the logs for the secrets of the run (the access key, the database password,
	 * a user's token and the {@code more} of the rows run) and prints the table.
	 */
	private int finish(Tokens tokens, List<String> more) throws IOException {
		List<String> secrets = new ArrayList<>(
				List.of(this.accessKey, this.databasePassword, Files.readAllLines(tokens.users()).get(0)));
		secrets.addAll(more);
		checkNoSecretLogged(secrets);
		String table = this.report.render();
		System.out.print(table);
		Files.writeString(this.settings.work().resolve("results.md"), table);
		return this.report.problems().isEmpty() ? 0 : 1;
	}

	/** {@code --cold-start}: rows 1, 2, 9 (the peak) and 10 only. */
	private int runColdStart(Tokens tokens) throws Exception {
		progress("service, token reuse on, from a cold start");
		Server service = startService("service-reuse", createDatabase("bench_reuse"), List.of());
		awaitReady(service);
		List<LoadResult> curve = warmupCurve(service.url("/token"), tokens.users());
		int bodySize = tokenBodySize(service.url("/token"), Files.readAllLines(tokens.users()).get(0));
		long peakKib = service.process().peakResidentKib();
		stop(service);
		ReferenceFigures reference = measureReference(tokens, bodySize, false);
		header(bodySize);
		addColdStartRows(curve, reference.load(), peakKib);
		return finish(tokens, List.of());
	}

	/**
	 * Rows 2, 3, 6, 7, the service's 8 and 9, 10, and the one instance of row 19: one
	 * service process from its cold start, 200 users in turn, then new users. The
	 * database's statements are counted over row 3's measurement.
	 */
	private ServiceFigures measureServiceWithReuse(Tokens tokens) throws Exception {
		Settings s = this.settings;
		progress("service, token reuse on, from a cold start");
		Server service = startService("service-reuse", createDatabase("bench_reuse"), List.of());
		Duration startup = awaitReady(service);
		String url = service.url("/token");
		List<LoadResult> curve = warmupCurve(url, tokens.users());
		int beforeSteady = s.steadyAfter() - s.slices() * s.slice();
		if (beforeSteady > 0) {
			warmup("reuse warm-up", this.wrk.run("reuse-warmup", url, tokens.users(), beforeSteady));
		}
		double answersBefore = tokenAnswers(List.of(service));
		DatabaseStatements.Window window = startStatements("bench_reuse");
		LoadResult steady = measured("reuse hit, steady",
				this.wrk.run("reuse-steady", url, tokens.users(), s.measure()));
		DatabaseStatements.Counts statements = readStatements(window);
		Map<String, Double> metrics = prometheus(service);
		int bodySize = tokenBodySize(url, Files.readAllLines(tokens.users()).get(0));
		progress("service, new users");
		warmup("new users, warm-up",
				allNew(this.wrk.run("new-users-warmup", url, tokens.newUsersWarmup(), s.newUsersWarmup())));
		LoadResult newUsers = measured("new users",
				allNew(this.wrk.run("new-users", url, tokens.newUsersMeasured(), s.measure())));
		long residentKib = service.process().residentKib();
		long peakKib = service.process().peakResidentKib();
		double answers = metrics.getOrDefault(TOKEN_ANSWERS, 0.0);
		return new ServiceFigures(service, startup, curve, steady, metrics.getOrDefault("acs_calls_seconds_count", 0.0),
				answers, bodySize, newUsers, residentKib, peakKib,
				new StatementFigures("bench_reuse", statements, answers - answersBefore));
	}

	/** Row 10: the service's req/s in slices of load from its cold start. */
	private List<LoadResult> warmupCurve(String url, Path users) {
		List<LoadResult> curve = new ArrayList<>();
		for (int slice = 1; slice <= this.settings.slices(); slice++) {
			curve.add(warmup("warm-up curve slice " + slice,
					this.wrk.run("reuse-slice-" + slice, url, users, this.settings.slice())));
		}
		return curve;
	}

	/**
	 * Row 1, the reference's 8 and 9, then, with {@code flood}, its flood (rows 17 and
	 * 18).
	 */
	private ReferenceFigures measureReference(Tokens tokens, int bodySize, boolean flood) throws Exception {
		progress("reference endpoint");
		Path users = tokens.users();
		Server reference = startReference(bodySize);
		Duration startup = awaitReady(reference);
		String url = reference.url("/token");
		int referenceBodySize = tokenBodySize(url, Files.readAllLines(users).get(0));
		if (referenceBodySize != bodySize) {
			this.report.problem("the reference answers " + referenceBodySize + " bytes, the service " + bodySize);
		}
		warmup("reference warm-up", this.wrk.run("reference-warmup", url, users, this.settings.warmup()));
		LoadResult load = measured("reference", this.wrk.run("reference", url, users, this.settings.measure()));
		long residentKib = reference.process().residentKib();
		FloodFigures floodFigures = flood ? flood("reference", reference, tokens.floodUsers()) : null;
		stop(reference);
		this.report.reference(load);
		return new ReferenceFigures(startup, load, residentKib, floodFigures);
	}

	/** Row 4: a service process that never reuses a token. */
	private LoadResult measureFreshTokens(Path users) throws Exception {
		progress("service, token reuse off");
		Server fresh = startService("service-fresh", createDatabase("bench_fresh"),
				List.of("--tokens.reuse.enabled=false"));
		awaitReady(fresh);
		String url = fresh.url("/token");
		warmup("fresh token warm-up", this.wrk.run("fresh-warmup", url, users, this.settings.warmup()));
		LoadResult load = measured("fresh token", this.wrk.run("fresh", url, users, this.settings.measure()));
		stop(fresh);
		return load;
	}

	/**
	 * Row 14: row 3 again, on a service process of its own whose limits are off
	 * ({@link #LIMITS_OFF}), against row 3's process (every limit on). After the same
	 * load since its start as row 3's, it is measured in {@link #AB_ROUNDS} rounds, each
	 * followed by as long a measurement of row 3's process (idle meanwhile), so that both
	 * see the same conditions on a shared machine.
	 */
	private LimitedFigures measureLimitsOff(Path users, Server limited) throws Exception {
		Settings s = this.settings;
		progress("service, token reuse on, limits off, against row 3's process (limits on)");
		Server unlimited = startService("service-unlimited", createDatabase("bench_unlimited"), LIMITS_OFF);
		awaitReady(unlimited);
		String url = unlimited.url("/token");
		warmup("limits off, warm-up", this.wrk.run("unlimited-warmup", url, users, s.steadyAfter()));
		List<LoadResult> on = new ArrayList<>();
		List<LoadResult> off = new ArrayList<>();
		for (int round = 1; round <= AB_ROUNDS; round++) {
			off.add(measured("reuse hit, steady, limits off, round " + round,
					this.wrk.run("limits-off-" + round, url, users, s.measure())));
			on.add(measured("reuse hit, steady, limits on, round " + round,
					this.wrk.run("limits-on-" + round, limited.url("/token"), users, s.measure())));
		}
		/*
		 * Right after the last round on row 3's process: a store that writes its buckets
		 * in batches and drops the rows of full buckets a while later still holds them.
		 */
		long buckets = countRows("bench_reuse", "select count(*) from rate_limit_bucket where id like 'token:%'");
		if (buckets < s.users()) {
			this.report.problem("the per-user rate limit of row 3's process kept " + buckets
					+ " buckets in PostgreSQL for " + s.users() + " users");
		}
		stop(unlimited);
		return new LimitedFigures(on, off, buckets);
	}

	/**
	 * Rows 15 to 18, for the service or the reference: a flood of forged tokens from one
	 * address (a well-formed RS256 JWT signed by a key the issuer never published) and,
	 * at the same time and from the same address, signed-in users at a moderate pace,
	 * each with a token of their own; after a flood of the same kind as warm-up. A forged
	 * token is signed anew for each server, so that neither flood's token is near its
	 * expiry. The key set fetches are counted over the measured flood.
	 */
	private FloodFigures flood(String who, Server server, Path users) throws IOException {
		Settings s = this.settings;
		progress(who + ": a flood of forged tokens from " + s.floodConnections() + " connections, " + s.floodUsers()
				+ " signed-in users beside it");
		String forged = this.issuer.tokenSignedByOtherKey("bench-forger");
		this.forgedTokens.add(forged);
		Path file = secretFile("forged-" + who + ".tokens");
		Files.writeString(file, forged + "\n");
		String url = server.url("/token");
		if (s.floodWarmup() > 0) {
			flooded(who + ", flood warm-up", this.wrk.flood(who + "-warmup", url, file, s.floodConnections(), users,
					s.floodUsers(), s.floodDelayMillis(), s.floodWarmup()), false);
		}
		long fetchesBefore = this.keySet.fetches();
		Wrk.Flood flood = flooded(who + ", flood", this.wrk.flood(who, url, file, s.floodConnections(), users,
				s.floodUsers(), s.floodDelayMillis(), s.flood()), true);
		return new FloodFigures(flood.forged(), flood.users(), this.keySet.fetches() - fetchesBefore);
	}

	/**
	 * A flood's checks: no forged token accepted, no 5xx, no socket error; every
	 * signed-in user's answer a 2xx; and, when measured, answers to both.
	 */
	private Wrk.Flood flooded(String what, Wrk.Flood flood, boolean measured) {
		LoadResult forged = flood.forged();
		LoadResult users = flood.users();
		if (measured && (forged.requests() == 0 || users.requests() == 0)) {
			this.report.problem(what + ": no answer at all to the forged token or to the users");
		}
		if (forged.requests() > 0 && forged.statuses().isEmpty()) {
			this.report.problem(what + ": the flood's answers were not counted by status");
		}
		if (forged.answers(200, 299) > 0) {
			this.report.problem(what + ": " + forged.answers(200, 299) + " forged tokens were accepted (2xx)");
		}
		if (forged.answers(500, 599) > 0 || forged.socketErrors() > 0) {
			this.report.problem(what + ": " + forged.answers(500, 599) + " 5xx answers to the forged token, "
					+ forged.socketErrors() + " socket errors");
		}
		if (users.failures() > 0 || users.socketErrors() > 0) {
			this.report.problem(what + ": the signed-in users got " + usersStatuses(users));
		}
		return flood;
	}

	/**
	 * Rows 11 to 13: {@code --instances} service processes on one database and one
	 * emulator, the page-reload load of rows 2 and 3 spread over them as a round-robin
	 * balancer would: one wrk run for each instance at the same time, each over all the
	 * users. Each run starts its round at another user (a third of the way apart with
	 * three instances), so that a user's first requests reach the instances one after the
	 * other, as successive reloads behind a balancer do, and not at the same instant. The
	 * database's statements are counted over the measurement (row 19).
	 */
	private FleetFigures measureFleet(Path users) throws Exception {
		Settings s = this.settings;
		progress("fleet: " + s.instances() + " service instances on one database, round-robin");
		String jdbcUrl = createDatabase("bench_fleet");
		List<Server> fleet = new ArrayList<>();
		for (int i = 1; i <= s.instances(); i++) {
			fleet.add(startService("service-fleet-" + i, jdbcUrl, List.of()));
		}
		for (Server instance : fleet) {
			awaitReady(instance);
		}
		List<String> urls = fleet.stream().map((instance) -> instance.url("/token")).toList();
		List<Path> files = staggered(users, s.instances());
		int connectionsEach = connectionsEach();
		warmup("fleet warm-up", LoadResult
			.together(this.wrk.runTogether("fleet-warmup", urls, files, s.fleetWarmup(), connectionsEach)));
		double answersBefore = tokenAnswers(fleet);
		DatabaseStatements.Window window = startStatements("bench_fleet");
		List<LoadResult> runs = this.wrk.runTogether("fleet", urls, files, s.measure(), connectionsEach);
		DatabaseStatements.Counts statements = readStatements(window);
		runs.forEach((run) -> measured("fleet, one instance's share", run));
		Map<String, Double> metrics = new LinkedHashMap<>();
		for (Server instance : fleet) {
			prometheus(instance).forEach((name, value) -> metrics.merge(name, value, Double::sum));
		}
		for (Server instance : fleet) {
			stop(instance);
		}
		return new FleetFigures(LoadResult.together(runs), runs, metrics, new StatementFigures("bench_fleet",
				statements, metrics.getOrDefault(TOKEN_ANSWERS, 0.0) - answersBefore));
	}

	/** The {@code /token} answers that the servers counted so far, added up. */
	private double tokenAnswers(List<Server> servers) throws Exception {
		double answers = 0;
		for (Server server : servers) {
			answers += prometheus(server).getOrDefault(TOKEN_ANSWERS, 0.0);
		}
		return answers;
	}

	/**
	 * A window of row 19 starts: PostgreSQL forgets the statements counted so far.
	 * @return the window; null when PostgreSQL cannot count statements
	 */
	private DatabaseStatements.Window startStatements(String database) throws SQLException {
		return (this.statements != null) ? this.statements.start(database) : null;
	}

	/** A window of row 19 ends: what the database ran since it started. */
	private DatabaseStatements.Counts readStatements(DatabaseStatements.Window window) throws SQLException {
		return (window != null) ? this.statements.read(window, TOP_STATEMENTS) : null;
	}

	/** Connections to each instance of the fleet: about {@code --connections} in all. */
	private int connectionsEach() {
		return Math.max(1, Math.round((float) this.settings.connections() / this.settings.instances()));
	}

	/**
	 * Copies of a file of tokens for each instance, each starting its round at another
	 * token: the first as it is, the others rotated by a fraction of the file.
	 */
	private List<Path> staggered(Path tokens, int instances) throws IOException {
		List<String> lines = Files.readAllLines(tokens);
		List<Path> files = new ArrayList<>(List.of(tokens));
		for (int i = 1; i < instances; i++) {
			int shift = i * lines.size() / instances;
			List<String> rotated = new ArrayList<>(lines.subList(shift, lines.size()));
			rotated.addAll(lines.subList(0, shift));
			Path file = secretFile("users-from-" + shift + ".tokens");
			Files.write(file, rotated);
			files.add(file);
		}
		return files;
	}

	private void addRows(ServiceFigures service, ReferenceFigures reference, LoadResult fresh, LoadResult sdk) {
		Settings s = this.settings;
		String measured = s.measure() + " s measured";
		String acsLatency = "; ACS +" + s.latencyMillis() + " ms";
		this.report.load("1", "reference, steady", reference.load(), s.warmup() + " s warm-up, " + measured);
		addColdStartRow(service.curve());
		this.report.load("3", "reuse hit, steady", service.steady(), s.steadyAfter() + " s warm-up, " + measured);
		this.report.load("4", "fresh token (reuse off)", fresh, s.warmup() + " s warm-up, " + measured + acsLatency);
		/*
		 * Far above the added latency without the service in between, the SDK's calls
		 * queue at the emulator: then rows 4 to 6 measure the emulator's capacity.
		 */
		String saturated = (sdk.p50Millis() > 1.5 * s.latencyMillis())
				? "; the emulator is saturated at this concurrency, so this understates the service's cost" : "";
		this.report.load("5", "direct SDK getToken, no service", sdk,
				s.warmup() + " s warm-up, " + measured + acsLatency + "; service's p50 (row 4) minus this: "
						+ signedMillis(fresh.p50Millis() - sdk.p50Millis()) + saturated);
		this.report.load("6", "new users (identity created)", service.newUsers(),
				"after row 3 and " + s.newUsersWarmup() + " s of new users, " + measured + acsLatency);
		this.report.value("7", "page reloads: ACS calls per /token", "",
				String.format(Locale.ROOT, "%.4f (%.0f ACS calls / %.0f answers, the curve and row 3)",
						service.acsCalls() / service.tokenAnswers(), service.acsCalls(), service.tokenAnswers()));
		if (!(service.acsCalls() > 0 && service.tokenAnswers() > 0)) {
			this.report.problem("no ACS calls or no /token answers counted on /actuator/prometheus");
		}
		this.report.value("8", "start-up to ready: service",
				Report.ratio(seconds(service.startup()) / seconds(reference.startup())) + " time",
				String.format(Locale.ROOT, "%.1f s", seconds(service.startup())));
		this.report.value("8", "start-up to ready: reference", "1.00× time",
				String.format(Locale.ROOT, "%.1f s", seconds(reference.startup())));
		this.report.value("9", "resident memory after load: service",
				Report.ratio((double) service.residentKib() / reference.residentKib()) + " RSS",
				mebibytes(service.residentKib()) + " after rows 2, 3, 6 (peak " + mebibytes(service.peakResidentKib())
						+ "); reference " + mebibytes(reference.residentKib()) + " after row 1");
		addCurveRow(service.curve(), reference.load());
	}

	/** {@code --cold-start}'s rows. */
	private void addColdStartRows(List<LoadResult> curve, LoadResult reference, long peakKib) {
		Settings s = this.settings;
		this.report.load("1", "reference, steady", reference,
				s.warmup() + " s warm-up, " + s.measure() + " s measured");
		addColdStartRow(curve);
		this.report.value("9", "peak resident memory: service", "",
				mebibytes(peakKib) + " during the warm-up curve (VmHWM)");
		addCurveRow(curve, reference);
	}

	private void addColdStartRow(List<LoadResult> curve) {
		Settings s = this.settings;
		int coldFrom = (s.coldSlice() - 1) * s.slice();
		this.report.load("2", "reuse hit, " + coldFrom + "–" + (coldFrom + s.slice()) + " s after a cold start",
				curve.get(s.coldSlice() - 1), "the warm-up curve's slice " + s.coldSlice());
	}

	private void addCurveRow(List<LoadResult> curve, LoadResult reference) {
		LoadResult lastSlice = curve.get(curve.size() - 1);
		this.report.value("10", "warm-up curve: req/s per " + this.settings.slice() + " s from a cold start",
				"last slice " + Report.ratio(lastSlice.requestsPerSecond() / reference.requestsPerSecond()) + " req/s",
				curve.stream()
					.map((slice) -> Report.requestsPerSecond(slice.requestsPerSecond()))
					.collect(Collectors.joining(", ")));
	}

	private void addFleetRows(ServiceFigures service, FleetFigures fleet, LimitedFigures limited) {
		Settings s = this.settings;
		int n = s.instances();
		LoadResult steady = service.steady();
		this.report.load("11", n + " instances: page reloads, round-robin", fleet.load(),
				String.format(Locale.ROOT,
						"%d × %d connections, one wrk for each instance over all %d users; %d s warm-up, %d s "
								+ "measured; req/s of the fleet (per instance: %s), highest p50 and p99 of the %d; "
								+ "%s req/s of row 3 (one instance), on the same %d cores",
						n, connectionsEach(), s.users(), s.fleetWarmup(), s.measure(),
						fleet.runs()
							.stream()
							.map((run) -> Report.requestsPerSecond(run.requestsPerSecond()))
							.collect(Collectors.joining(", ")),
						n, Report.ratio(fleet.load().requestsPerSecond() / steady.requestsPerSecond()),
						Runtime.getRuntime().availableProcessors()));
		double calls = fleet.metrics().getOrDefault("acs_calls_seconds_count", 0.0);
		double answers = fleet.metrics().getOrDefault(TOKEN_ANSWERS, 0.0);
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
				String.join(" ", LIMITS_OFF), s.steadyAfter(), limited.on().size(), s.measure(), s.measure(),
				Report.requestsPerSecond(on.requestsPerSecond()), Report.millis(on.p50Millis()),
				Report.millis(on.p99Millis()), Report.ratio(on.requestsPerSecond() / off.requestsPerSecond()), rounds,
				Report.ratio(on.p50Millis() / off.p50Millis()), Report.ratio(on.p99Millis() / off.p99Millis()),
				limited.buckets()));
	}

	/**
	 * Rows 15 to 18: the service's flood and its signed-in users, each against the
	 * reference's under the same flood.
	 */
	private void addFloodRows(FloodFigures service, FloodFigures reference) {
		Settings s = this.settings;
		String flood = String.format(Locale.ROOT,
				"%d connections (wrk, %d threads) sending one forged token (RS256, signed by a key the issuer never "
						+ "published) from 127.0.0.1 for %d s, after %d s of the same",
				s.floodConnections(), s.threads(), s.flood(), s.floodWarmup());
		String users = String.format(Locale.ROOT,
				"%d signed-in users behind the same address, one user's token per connection (wrk, %d threads), "
						+ "%d ms between an answer and the next request, during the flood",
				s.floodUsers(), s.floodUsers(), s.floodDelayMillis());
		double refusals = refusalsPerSecond(service.forged());
		double referenceRefusals = refusalsPerSecond(reference.forged());
		this.report.load("15", "flood of forged tokens, one address: service", service.forged(),
				Report.ratio(refusals / referenceRefusals) + " refusals/s (target ≥ 0.80×)",
				String.format(Locale.ROOT,
						"every limit on (the failed sign-in limit at its defaults); %s; %s; %s refusals/s against the "
								+ "reference's %s 401/s (row 17); %s",
						flood, floodStatuses(service.forged()), Report.requestsPerSecond(refusals),
						Report.requestsPerSecond(referenceRefusals), keySetFetches(service)));
		this.report.load("16", "signed-in users during the flood: service", service.users(),
				Report.ratio(service.users().p50Millis() / reference.users().p50Millis()) + " p50, "
						+ Report.ratio(service.users().p99Millis() / reference.users().p99Millis())
						+ " p99 (target ≤ 1.25×)",
				String.format(Locale.ROOT, "every limit on; %s; %d answers, %s; against the reference's (row 18)",
						users, service.users().requests(), usersStatuses(service.users())));
		this.report.load("17", "flood of forged tokens, one address: reference", reference.forged(), "1.00× refusals/s",
				String.format(Locale.ROOT, "%s; %s; %s", flood, floodStatuses(reference.forged()),
						keySetFetches(reference)));
		this.report.load("18", "signed-in users during the flood: reference", reference.users(), "1.00× p50, 1.00× p99",
				String.format(Locale.ROOT, "%s; %d answers, %s", users, reference.users().requests(),
						usersStatuses(reference.users())));
	}

	/** How often the flooded server fetched the issuer's key set during the flood. */
	private static String keySetFetches(FloodFigures flood) {
		return String.format(Locale.ROOT, "the issuer's key set fetched %d times meanwhile (%.2f per answer)",
				flood.keySetFetches(), (double) flood.keySetFetches() / Math.max(1, flood.forged().requests()));
	}

	/** The flood's refusals, 4xx answers, per second. */
	private static double refusalsPerSecond(LoadResult flood) {
		return flood.answers(400, 499) / flood.seconds();
	}

	/**
	 * A flood's answers by status: "401: 3, 429: 15230, 5xx: 0, other: 0, socket errors:
	 * 0".
	 */
	private static String floodStatuses(LoadResult flood) {
		long counted = flood.statuses().values().stream().mapToLong(Long::longValue).sum();
		long other = counted - flood.answers(401, 401) - flood.answers(429, 429) - flood.answers(500, 599);
		return String.format(Locale.ROOT, "401: %d, 429: %d, 5xx: %d, other: %d%s, socket errors: %d",
				flood.answers(401, 401), flood.answers(429, 429), flood.answers(500, 599), other,
				(other > 0) ? " " + flood.statuses() : "", flood.socketErrors());
	}

	/** Signed-in users' answers: "2xx: 5980, non-2xx: 0, socket errors: 0". */
	private static String usersStatuses(LoadResult users) {
		long counted = users.statuses().values().stream().mapToLong(Long::longValue).sum();
		long others = counted - users.answers(200, 299);
		return String.format(Locale.ROOT, "2xx: %d, non-2xx: %d%s, socket errors: %d", users.answers(200, 299), others,
				(others > 0) ? " " + users.statuses() : "", users.socketErrors());
	}

	/**
	 * Row 19: the database's statements per {@code /token} answer, the fleet's and the
	 * one instance's.
	 */
	private void addStatementsRow(StatementFigures oneInstance, StatementFigures fleet) {
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

	private void header(int bodySize) throws IOException {
		Settings s = this.settings;
		String cpu;
		try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
			cpu = lines.filter((line) -> line.startsWith("model name"))
				.findFirst()
				.map((line) -> line.substring(line.indexOf(':') + 1).strip())
				.orElse("unknown CPU");
		}
		this.report.header(String.format(Locale.ROOT, "POST /token benchmark%s, %s UTC",
				s.smoke() ? " (SMOKE: seconds per row, figures mean nothing)" : "",
				DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(Instant.now().atOffset(ZoneOffset.UTC))));
		this.report.header(String.format(Locale.ROOT, "%s, %d cores, Java %s, %s", cpu,
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"), wrkVersion()));
		this.report.header(String.format(Locale.ROOT,
				"%d connections (wrk, %d threads), %d users (RS256 JWTs, tier standard) in turn; service and "
						+ "reference JVMs: %s%s; emulator: +%d ms a call, ACS's limits off; response body %d bytes",
				s.connections(), s.threads(), s.users(), String.join(" ", JVM_FLAGS),
				s.serviceJava().map((java) -> "; the service's java: " + java).orElse(""), s.latencyMillis(),
				bodySize));
		this.report.header(String.format(Locale.ROOT,
				"Service: production defaults, every limit on (per-user rate limit, ACS call budget, failed sign-in "
						+ "limit) with capacities no run reaches, %s: rows 2–4, 6–13, 15, 16, 19 and row 14's "
						+ "rounds on row 3's process; limits off (%s): row 14's own process only; no service: rows "
						+ "1, 5, 17, 18%s",
				String.join(" ", LIMITS_UNREACHABLE), String.join(" ", LIMITS_OFF),
				alsoWith(s.serviceJvmFlags(), "service JVM") + alsoWith(s.serviceArguments(), "service process")));
	}

	private static String alsoWith(List<String> arguments, String what) {
		return arguments.isEmpty() ? "" : "; every " + what + " also with " + String.join(" ", arguments);
	}

	/** A measurement: every answer a 2xx, and at least one. */
	private LoadResult measured(String what, LoadResult load) {
		if (load.requests() == 0) {
			this.report.problem(what + ": no answer at all");
		}
		return warmup(what, load);
	}

	/**
	 * Warm-up load, or a slice of the curve: every answer a 2xx, but there may be none (a
	 * cold JVM may take longer than a short slice to answer).
	 */
	private LoadResult warmup(String what, LoadResult load) {
		if (load.failures() > 0 || load.socketErrors() > 0) {
			this.report
				.problem(what + ": " + load.failures() + " non-2xx answers, " + load.socketErrors() + " socket errors");
		}
		return load;
	}

	/** The logs of this run hold none of the secrets it handed out. */
	private void checkNoSecretLogged(List<String> secrets) throws IOException {
		try (Stream<Path> files = Files.list(this.settings.work())) {
			for (Path log : files.filter((file) -> file.toString().endsWith(".log")).sorted().toList()) {
				String text = Files.readString(log);
				if (secrets.stream().anyMatch(text::contains)) {
					this.report.problem(log.getFileName() + " holds a token, key or password");
				}
			}
		}
	}

	private static void stop(Server server) {
		if (!server.process().stop()) {
			progress(server.process().name() + " did not stop within " + Child.GRACE.toSeconds()
					+ " s of SIGTERM; killed");
		}
	}

	/** A run of new users only: no token sent twice. */
	private LoadResult allNew(LoadResult load) {
		if (load.tokensWrapped() > 0) {
			this.report.problem("new users ran out, some requests were repeats (reuse hits)");
		}
		return load;
	}

	/* Tokens: the JWTs of the local issuer, signed before anything is measured. */

	private Tokens signTokens() throws IOException {
		Settings s = this.settings;
		/*
		 * At most one call per connection and ACS latency: the most new users a run can
		 * use.
		 */
		int newUsersPerSecond = s.connections() * 1000 / Math.max(s.latencyMillis(), 10);
		Path users = tokens("users", s.users(), "bench-user-");
		/* The flood rows' signed-in users: the first of those who come back. */
		Path floodUsers = secretFile("flood-users.tokens");
		Files.write(floodUsers, Files.readAllLines(users).subList(0, s.floodUsers()));
		Tokens tokens = new Tokens(users,
				tokens("new-users-warmup", newUsersPerSecond * s.newUsersWarmup() + s.connections(),
						"bench-new-warmup-"),
				tokens("new-users-measured", newUsersPerSecond * s.measure() + s.connections(), "bench-new-measured-"),
				floodUsers);
		this.adminToken = this.issuer.token("bench-admin",
				expiresLate((claims) -> claims.claim("roles", List.of("ADMIN"))));
		return tokens;
	}

	private Path tokens(String name, int count, String subjectPrefix) throws IOException {
		List<String> tokens = IntStream.range(0, count)
			.parallel()
			.mapToObj((i) -> this.issuer.token(String.format("%s%06d", subjectPrefix, i),
					expiresLate((claims) -> claims.claim("tier", "standard"))))
			.toList();
		Path file = secretFile(name + ".tokens");
		Files.write(file, tokens);
		return file;
	}

	/**
	 * A new file in the work directory that only this user may read, for bearer tokens;
	 * its name ends with {@code .tokens}, so that {@link #close()} deletes it.
	 */
	private Path secretFile(String name) throws IOException {
		return Files.createFile(this.settings.work().resolve(name),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
	}

	/**
	 * Valid for the whole run, however long it is (the issuer's default is ten minutes).
	 */
	private static Consumer<JWTClaimsSet.Builder> expiresLate(Consumer<JWTClaimsSet.Builder> changes) {
		return (claims) -> {
			changes.accept(claims);
			claims.expirationTime(Date.from(Instant.now().plus(Duration.ofHours(6))));
		};
	}

	/* The processes. */

	private void startPostgres() throws Exception {
		this.postgres = EmbeddedPostgres.builder()
			.setDataDirectory(this.settings.work().resolve("postgres"))
			.setCleanDataDirectory(true)
			.setServerConfig("listen_addresses", "127.0.0.1")
			/* Row 19 counts the statements that each database runs. */
			.setServerConfig("shared_preload_libraries", "pg_stat_statements")
			.start();
		Path postmasterPid = this.settings.work().resolve("postgres").resolve("postmaster.pid");
		if (Files.exists(postmasterPid)) {
			this.processes.recordPid(Long.parseLong(Files.readAllLines(postmasterPid).get(0).strip()));
		}
		DatabaseStatements counting = new DatabaseStatements(this.postgres.getPostgresDatabase());
		try {
			counting.enable();
			this.statements = counting;
		}
		catch (SQLException ex) {
			this.report.problem("PostgreSQL cannot count statements (pg_stat_statements): " + ex.getMessage());
		}
	}

	private String createDatabase(String name) throws Exception {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER USER " + DATABASE_USER + " PASSWORD '" + this.databasePassword + "'");
			statement.execute("CREATE DATABASE " + name);
		}
		return "jdbc:postgresql://127.0.0.1:" + this.postgres.getPort() + "/" + name;
	}

	/** The single number a query on one of the run's databases answers. */
	private long countRows(String database, String query) throws Exception {
		try (Connection connection = this.postgres.getDatabase(DATABASE_USER, database).getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			result.next();
			return result.getLong(1);
		}
	}

	private void startEmulator() throws Exception {
		Path temporary = Files.createDirectories(this.settings.work().resolve("emulator-tmp"));
		this.emulatorPort = freePort();
		this.emulator = this.processes.start("emulator",
				List.of(this.java.toString(), "-Djava.io.tmpdir=" + temporary, "-jar", this.settings.jar().toString(),
						"--spring.profiles.active=emulator", "--acs.emulator.host=127.0.0.1",
						"--acs.emulator.port=" + this.emulatorPort,
						"--acs.emulator.faults.latency=" + this.settings.latencyMillis() + "ms", EMULATOR_LIMITS_OFF),
				Map.of("ACS_EMULATOR_ACCESSKEY", this.accessKey));
		long deadline = System.nanoTime() + READY_WITHIN.toNanos();
		while (System.nanoTime() < deadline) {
			alive(this.emulator);
			try (Stream<Path> files = Files.list(temporary)) {
				this.certificate = files.filter((file) -> file.getFileName().toString().startsWith("acs-emulator-cert"))
					.findFirst()
					.orElse(null);
			}
			if (this.certificate != null && accepts(this.emulatorPort)) {
				return;
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("The emulator did not start; see " + this.emulator.log());
	}

	private String connectionString() {
		return "endpoint=https://127.0.0.1:" + this.emulatorPort + "/;accesskey=" + this.accessKey;
	}

	/**
	 * A service process as operators run it, with every limit on but capacities that no
	 * run reaches ({@link #LIMITS_UNREACHABLE}). An argument of {@code --service-args}
	 * replaces any of the benchmark's that names the same option, and a row's own
	 * arguments replace both: Spring would join the values of an option given twice with
	 * a comma ("false,true").
	 * @param jdbcUrl the database, one of {@link #createDatabase}
	 * @param rowArguments the row's own switches, such as {@link #LIMITS_OFF}
	 */
	private Server startService(String name, String jdbcUrl, List<String> rowArguments) {
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(this.settings.serviceJava().map(Path::toString).orElse(this.java.toString()));
		command.addAll(JVM_FLAGS);
		command.addAll(this.settings.serviceJvmFlags());
		command.addAll(List.of("-jar", this.settings.jar().toString()));
		Map<String, String> arguments = new LinkedHashMap<>();
		Stream
			.of(List.of("--server.address=127.0.0.1", "--server.port=" + port,
					"--acs.trusted-certificate=" + this.certificate, "--spring.datasource.url=" + jdbcUrl,
					"--spring.datasource.username=" + DATABASE_USER), jwtArguments(), LIMITS_UNREACHABLE,
					this.settings.serviceArguments(), rowArguments)
			.flatMap(List::stream)
			.forEach((argument) -> arguments.put(optionName(argument), argument));
		command.addAll(arguments.values());
		return new Server(this.processes.start(name, command, Map.of("ACS_CONNECTION_STRING", connectionString(),
				"SPRING_DATASOURCE_PASSWORD", this.databasePassword)), port);
	}

	/**
	 * {@code --policy.rate-limit.enabled} of {@code --policy.rate-limit.enabled=false}.
	 */
	private static String optionName(String argument) {
		int equals = argument.indexOf('=');
		return (equals < 0) ? argument : argument.substring(0, equals);
	}

	private Server startReference(int bodySize) {
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(this.java.toString());
		command.addAll(JVM_FLAGS);
		command.addAll(List.of("-cp", this.settings.referenceClasspath(), ReferenceApplication.class.getName(),
				"--server.address=127.0.0.1", "--server.port=" + port,
				"--management.endpoint.health.probes.enabled=true",
				/* On the class path for the service, not part of a bare endpoint. */
				"--springdoc.api-docs.enabled=false", "--springdoc.swagger-ui.enabled=false",
				"--reference.body-size=" + bodySize));
		command.addAll(jwtArguments());
		return new Server(this.processes.start("reference", command, Map.of()), port);
	}

	private List<String> jwtArguments() {
		String prefix = "--spring.security.oauth2.resourceserver.jwt.";
		return List.of(prefix + "jwk-set-uri=" + this.keySet.uri(), prefix + "issuer-uri=" + TestJwtIssuer.ISSUER,
				prefix + "audiences=" + TestJwtIssuer.AUDIENCE);
	}

	private LoadResult sdkLoad() {
		Settings s = this.settings;
		List<String> command = new ArrayList<>();
		command.add(this.java.toString());
		command.addAll(JVM_FLAGS);
		command.addAll(List.of("-cp", s.referenceClasspath(), SdkLoad.class.getName(), "--pem=" + this.certificate,
				"--connections=" + s.connections(), "--users=" + s.users(), "--warmup=" + s.warmup(),
				"--measure=" + s.measure()));
		Child sdk = this.processes.start("sdk", command, Map.of("ACS_CONNECTION_STRING", connectionString()));
		int exit = sdk.await(Duration.ofSeconds(s.warmup() + s.measure() + 120));
		if (exit != 0) {
			throw new IllegalStateException("The direct SDK load failed (exit " + exit + "); see " + sdk.log());
		}
		return LoadResult.parseLine(sdk.output());
	}

	/** From the process's start to its readiness probe answering UP. */
	private Duration awaitReady(Server server) throws Exception {
		Child child = server.process();
		HttpRequest probe = HttpRequest.newBuilder(URI.create(server.url("/actuator/health/readiness")))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = child.startNanos() + READY_WITHIN.toNanos();
		while (System.nanoTime() < deadline) {
			alive(child);
			try {
				HttpResponse<String> answer = this.http.send(probe, HttpResponse.BodyHandlers.ofString());
				if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
					return Duration.ofNanos(System.nanoTime() - child.startNanos());
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException(
				child.name() + " was not ready within " + READY_WITHIN.toSeconds() + " s; see " + child.log());
	}

	private static void alive(Child child) {
		if (!child.process().isAlive()) {
			throw new IllegalStateException(
					child.name() + " stopped (exit " + child.process().exitValue() + "); see " + child.log());
		}
	}

	/** One token request outside the measurements, for the size of the answer. */
	private int tokenBodySize(String url, String token) throws Exception {
		HttpResponse<byte[]> answer = this.http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofByteArray());
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("POST " + url + " answered " + answer.statusCode());
		}
		return answer.body().length;
	}

	/**
	 * Sums of the counters on {@code /actuator/prometheus}, by name; HTTP server counts
	 * also by name and URI, ACS calls also by name and operation
	 * ({@code acs_calls_seconds_count operation=issueToken}).
	 */
	private Map<String, Double> prometheus(Server service) throws Exception {
		HttpResponse<String> answer = this.http
			.send(HttpRequest.newBuilder(URI.create(service.url("/actuator/prometheus")))
				.header("Authorization", "Bearer " + this.adminToken)
				.build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("/actuator/prometheus answered " + answer.statusCode());
		}
		Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)", Pattern.MULTILINE);
		Pattern uri = Pattern.compile("uri=\"([^\"]*)\"");
		Pattern operation = Pattern.compile("operation=\"([^\"]*)\"");
		Map<String, Double> sums = new LinkedHashMap<>();
		Matcher line = sample.matcher(answer.body());
		while (line.find()) {
			double value = Double.parseDouble(line.group(3));
			sums.merge(line.group(1), value, Double::sum);
			Matcher labels = uri.matcher((line.group(2) != null) ? line.group(2) : "");
			if (labels.find()) {
				sums.merge(line.group(1) + " " + labels.group(1), value, Double::sum);
			}
			Matcher operations = operation.matcher((line.group(2) != null) ? line.group(2) : "");
			if (operations.find()) {
				sums.merge(line.group(1) + " operation=" + operations.group(1), value, Double::sum);
			}
		}
		return sums;
	}

	@Override
	public void close() {
		this.processes.close();
		if (this.postgres != null) {
			try {
				this.postgres.close();
			}
			catch (IOException ex) {
				System.err.println("Could not stop PostgreSQL: " + ex.getMessage());
			}
		}
		if (this.keySet != null) {
			this.keySet.close();
		}
		if (this.issuer != null) {
			this.issuer.close();
		}
		try (Stream<Path> files = Files.list(this.settings.work())) {
			for (Path file : files.filter((file) -> file.toString().endsWith(".tokens")).toList()) {
				Files.delete(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/* Small helpers. */

	private static void progress(String message) {
		System.err.printf("[%s] %s%n",
				DateTimeFormatter.ofPattern("HH:mm:ss").format(Instant.now().atZone(ZoneOffset.UTC)), message);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String wrkVersion() {
		try {
			Process wrk = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
			String output = new String(wrk.getInputStream().readAllBytes()).strip();
			wrk.waitFor();
			return output.lines().findFirst().orElse("wrk").replaceAll("\\s*Copyright.*", "");
		}
		catch (IOException ex) {
			return "wrk (version unknown)";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "wrk (version unknown)";
		}
	}

	private static String randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
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

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

	private static String mebibytes(long kib) {
		return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
	}

	private static String signedMillis(double millis) {
		return ((millis >= 0) ? "+" : "−") + Report.millis(Math.abs(millis));
	}

	/**
	 * Files of bearer tokens, one a line: the users who come back, new users for the
	 * warm-up and the measurement of row 6, and the first of the users who come back, one
	 * for each connection of the flood rows' signed-in users.
	 */
	private record Tokens(Path users, Path newUsersWarmup, Path newUsersMeasured, Path floodUsers) {
	}

	/**
	 * What the service with token reuse gave, and its process, still running for the
	 * flood and row 14.
	 */
	private record ServiceFigures(Server server, Duration startup, List<LoadResult> curve, LoadResult steady,
			double acsCalls, double tokenAnswers, int bodySize, LoadResult newUsers, long residentKib,
			long peakResidentKib, StatementFigures statements) {
	}

	/**
	 * Row 14: the rounds of its own process with the limits off and, each after one of
	 * them, row 3's process with every limit on.
	 */
	private record LimitedFigures(List<LoadResult> on, List<LoadResult> off, long buckets) {
	}

	/**
	 * The fleet: its load as one, each instance's share, the instances' counters added
	 * up, and the database's statements over the measurement.
	 */
	private record FleetFigures(LoadResult load, List<LoadResult> runs, Map<String, Double> metrics,
			StatementFigures statements) {
	}

	private record ReferenceFigures(Duration startup, LoadResult load, long residentKib, FloodFigures flood) {
	}

	/**
	 * Rows 15 and 16, or 17 and 18: what the measured flood and the users beside it got,
	 * and how often the flooded server fetched the issuer's key set meanwhile.
	 */
	private record FloodFigures(LoadResult forged, LoadResult users, long keySetFetches) {
	}

	/**
	 * Row 19's figures for one measured window.
	 *
	 * @param database the database the window's statements were counted in
	 * @param counts what PostgreSQL counted; null when it cannot count statements
	 * @param tokenAnswers the {@code /token} answers that the instances counted over the
	 * same window
	 */
	private record StatementFigures(String database, DatabaseStatements.Counts counts, double tokenAnswers) {
	}

	/** A started HTTP server on loopback: its process and the port it was given. */
	private record Server(Child process, int port) {

		String url(String path) {
			return "http://127.0.0.1:" + this.port + path;
		}

	}

}
