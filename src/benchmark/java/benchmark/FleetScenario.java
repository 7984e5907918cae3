package benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows 11 to 13 and the fleet's row 19: {@code --instances} service processes on one
 * database and one emulator, loaded as a round-robin balancer would.
 */
final class FleetScenario {

	private final Settings settings;

	private final Launcher launcher;

	private final Database database;

	private final Wrk wrk;

	private final Checks checks;

	private final Secrets secrets;

	FleetScenario(Settings settings, Launcher launcher, Database database, Wrk wrk, Checks checks, Secrets secrets) {
		this.settings = settings;
		this.launcher = launcher;
		this.database = database;
		this.wrk = wrk;
		this.checks = checks;
		this.secrets = secrets;
	}

	/**
	 * The page-reload load of rows 2 and 3 spread over the instances: one wrk run for
	 * each instance at the same time, each over all the users. Each run starts its round
	 * at another user (a third of the way apart with three instances), so that a user's
	 * first requests reach the instances one after the other, as successive reloads
	 * behind a balancer do, and not at the same instant. The database's statements are
	 * counted over the measurement (row 19).
	 */
	FleetFigures measure(Tokens tokens) throws Exception {
		Settings s = this.settings;
		Progress.print("fleet: " + s.instances() + " service instances on one database, round-robin");
		String jdbcUrl = this.database.create("bench_fleet");
		List<Server> fleet = new ArrayList<>();
		for (int i = 1; i <= s.instances(); i++) {
			fleet.add(this.launcher.startService("service-fleet-" + i, jdbcUrl, List.of()));
		}
		for (Server instance : fleet) {
			instance.awaitReady();
		}
		List<String> urls = fleet.stream().map((instance) -> instance.url("/token")).toList();
		List<Path> files = staggered(tokens.users(), s.instances());
		int connectionsEach = connectionsEach(s);
		this.checks.warmup("fleet warm-up", LoadResult
			.together(this.wrk.runTogether("fleet-warmup", urls, files, s.fleetWarmup(), connectionsEach)));
		double answersBefore = Server.tokenAnswers(fleet, tokens.admin());
		DatabaseStatements.Window window = this.database.startStatements("bench_fleet");
		List<LoadResult> runs = this.wrk.runTogether("fleet", urls, files, s.measure(), connectionsEach);
		DatabaseStatements.Counts statements = this.database.readStatements(window);
		runs.forEach((run) -> this.checks.measured("fleet, one instance's share", run));
		Map<String, Double> metrics = new LinkedHashMap<>();
		for (Server instance : fleet) {
			instance.prometheus(tokens.admin()).forEach((name, value) -> metrics.merge(name, value, Double::sum));
		}
		for (Server instance : fleet) {
			instance.stop();
		}
		return new FleetFigures(LoadResult.together(runs), runs, metrics, new StatementFigures("bench_fleet",
				statements, metrics.getOrDefault(Server.TOKEN_ANSWERS, 0.0) - answersBefore));
	}

	/** Connections to each instance of the fleet: about {@code --connections} in all. */
	static int connectionsEach(Settings settings) {
		return Math.max(1, Math.round((float) settings.connections() / settings.instances()));
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
			Path file = this.secrets.file("users-from-" + shift + ".tokens");
			Files.write(file, rotated);
			files.add(file);
		}
		return files;
	}

	/**
	 * The fleet: its load as one, each instance's share, the instances' counters added
	 * up, and the database's statements over the measurement.
	 */
	record FleetFigures(LoadResult load, List<LoadResult> runs, Map<String, Double> metrics,
			StatementFigures statements) {
	}

}
