package benchmark;

import java.nio.file.Path;
import java.time.Duration;
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
		this.runs++;
		Child wrk = this.processes.start(String.format("wrk-%02d-%s", this.runs, name),
				List.of("wrk", "-t" + this.threads, "-c" + this.connections, "-d" + seconds + "s", "--latency",
						"--timeout", "10s", "-s", this.script.toString(), url, "--", tokens.toString(),
						Integer.toString(this.threads)),
				Map.of());
		int exit = wrk.await(Duration.ofSeconds(seconds + 60));
		String output = wrk.output();
		if (exit != 0) {
			throw new IllegalStateException("wrk failed (exit " + exit + "):\n" + output);
		}
		return LoadResult.parseWrk(output);
	}

}
