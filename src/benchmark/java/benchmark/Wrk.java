package benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import benchmark.Processes.Child;

/**
 * Runs wrk, the load generator, at the benchmark's fixed concurrency: {@code POST /token}
 * with the tokens of a file in turn ({@code scripts/benchmark/tokens.lua}).
 */
final class Wrk {

	private final Processes processes;

	private final Path script;

	private final int threads;

	private final int connections;

	private int runs;

	Wrk(Processes processes, Path script, int threads, int connections) {
		if (connections < threads) {
			throw new IllegalArgumentException("wrk needs at least as many connections as threads");
		}
		this.processes = processes;
		this.script = script;
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

	private Child start(String name, String url, Path tokens, int seconds, int threads, int connections) {
		this.runs++;
		return this.processes.start(String.format("wrk-%02d-%s", this.runs, name),
				List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", "--timeout",
						"10s", "-s", this.script.toString(), url, "--", tokens.toString(), Integer.toString(threads)),
				Map.of());
	}

	private static LoadResult finish(Child wrk, int seconds) {
		int exit = wrk.await(Duration.ofSeconds(seconds + 60));
		String output = wrk.output();
		if (exit != 0) {
			throw new IllegalStateException("wrk failed (exit " + exit + "):\n" + output);
		}
		return LoadResult.parseWrk(output);
	}

}
