package benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import benchmark.Processes.Child;

/**
 * Runs wrk, the load generator, at the benchmark's fixed concurrency: {@code POST /token}
 * with the tokens of a file in turn ({@code scripts/benchmark/tokens.lua}); and the flood
 * rows' two loads at once, one forged token from many connections ({@code flood.lua}) and
 * a few signed-in users at a moderate pace ({@code users.lua}); and the flood of
 * {@code --flood-networks}, forged tokens from rotating IPv6 networks
 * ({@code flood-networks.lua}).
 */
final class Wrk {

	private final Processes processes;

	private final Path script;

	private final Path floodScript;

	private final Path usersScript;

	private final Path networksScript;

	private final int threads;

	private final int connections;

	private int runs;

	Wrk(Processes processes, Path script, int threads, int connections) {
		if (connections < threads) {
			throw new IllegalArgumentException("wrk needs at least as many connections as threads");
		}
		this.processes = processes;
		this.script = script;
		this.floodScript = script.resolveSibling("flood.lua");
		this.usersScript = script.resolveSibling("users.lua");
		this.networksScript = script.resolveSibling("flood-networks.lua");
		this.threads = threads;
		this.connections = connections;
	}

	/**
	 * One run of wrk.
	 * @param name what the run is for, in its log file's name
	 * @param url the {@code /token} endpoint
	 * @param tokens the file of bearer tokens
	 * @param seconds how long
	 * @return what it measured
	 */
	LoadResult run(String name, String url, Path tokens, int seconds) {
		return finish(start(name, url, tokens, seconds, this.threads, this.connections), seconds);
	}

	/**
	 * Runs of wrk at the same time, one for each endpoint, each with one thread and
	 * {@code connectionsEach} connections: the load that a balancer would spread over a
	 * fleet. With one thread a run sends every token of its file in turn.
	 * @param name what the runs are for, in their log files' names
	 * @param urls the {@code /token} endpoints, one for each instance
	 * @param tokens a file of bearer tokens for each endpoint
	 * @param seconds how long
	 * @param connectionsEach connections to each endpoint
	 * @return what each run measured, in the order of the endpoints
	 */
	List<LoadResult> runTogether(String name, List<String> urls, List<Path> tokens, int seconds, int connectionsEach) {
		List<Child> runs = new ArrayList<>();
		for (int i = 0; i < urls.size(); i++) {
			runs.add(start(name + "-" + (i + 1), urls.get(i), tokens.get(i), seconds, 1, connectionsEach));
		}
		return runs.stream().map((run) -> finish(run, seconds)).toList();
	}

	/**
	 * A flood and signed-in users beside it, two runs of wrk started together and lasting
	 * as long. The flood: {@code floodConnections} connections on the benchmark's
	 * threads, every request with the one token of {@code forged}. The users: one thread
	 * and one connection for each of the {@code userCount} tokens of {@code users}, each
	 * waiting {@code delayMillis} between an answer and its next request. Both count
	 * their answers by status.
	 * @param name what the runs are for, in their log files' names
	 * @param url the {@code /token} endpoint
	 * @param forged a file with the flood's one bearer token
	 * @param floodConnections the flood's connections
	 * @param users a file with a bearer token for each user
	 * @param userCount the users, the tokens in {@code users}
	 * @param delayMillis each user's pause between an answer and the next request
	 * @param seconds how long
	 * @return what the flood and the users measured
	 */
	Flood flood(String name, String url, Path forged, int floodConnections, Path users, int userCount, int delayMillis,
			int seconds) {
		Child flood = start(name + "-flood", this.floodScript, url, seconds, this.threads, floodConnections,
				List.of(forged.toString()));
		Child signedIn = start(name + "-users", this.usersScript, url, seconds, userCount, userCount,
				List.of(users.toString(), Integer.toString(delayMillis)));
		return new Flood(finish(flood, seconds), finish(signedIn, seconds));
	}

	/**
	 * Starts a flood from many networks ({@code flood-networks.lua}):
	 * {@code floodConnections} connections on the benchmark's threads, each request with
	 * the next of the tokens of {@code forged} and from the next IPv6 /64, named in
	 * {@code X-Forwarded-For}; its answers counted by status. {@link #finish} waits for
	 * it.
	 */
	Child startFloodNetworks(String name, String url, Path forged, int floodConnections, int seconds) {
		return start(name, this.networksScript, url, seconds, this.threads, floodConnections,
				List.of(forged.toString(), Integer.toString(this.threads)));
	}

	/**
	 * Starts a run of wrk at a pace ({@code scripts/benchmark/paced.lua}): each
	 * connection sends the tokens of its thread's share in turn and waits
	 * {@code delayMillis} between an answer and its next request; {@link #finish} waits
	 * for it.
	 */
	Child startPaced(String name, String url, Path tokens, int seconds, int threads, int connections, int delayMillis) {
		return start(name, this.script.resolveSibling("paced.lua"), url, seconds, threads, connections,
				List.of(tokens.toString(), Integer.toString(threads), Integer.toString(delayMillis)));
	}

	private Child start(String name, String url, Path tokens, int seconds, int threads, int connections) {
		return start(name, this.script, url, seconds, threads, connections,
				List.of(tokens.toString(), Integer.toString(threads)));
	}

	private Child start(String name, Path script, String url, int seconds, int threads, int connections,
			List<String> scriptArguments) {
		this.runs++;
		List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
				"--latency", "--timeout", "10s", "-s", script.toString(), url, "--"));
		command.addAll(scriptArguments);
		return this.processes.start(String.format("wrk-%02d-%s", this.runs, name), command, Map.of());
	}

	/** Waits for a run of {@code seconds} to end and reads what it measured. */
	static LoadResult finish(Child wrk, int seconds) {
		int exit = wrk.await(Duration.ofSeconds(seconds + 60));
		String output = wrk.output();
		if (exit != 0) {
			throw new IllegalStateException("wrk failed (exit " + exit + "):\n" + output);
		}
		return LoadResult.parseWrk(output);
	}

	/**
	 * What a flood row measured.
	 *
	 * @param forged the flood of forged tokens, its answers counted by status
	 * @param users the signed-in users beside it, or the new users' first tokens
	 */
	record Flood(LoadResult forged, LoadResult users) {
	}

}
