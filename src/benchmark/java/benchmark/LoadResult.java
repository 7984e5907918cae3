package benchmark;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one load run at a fixed concurrency measured: answers, throughput, median, 99th
 * percentile and slowest latency, and the answers that went wrong. Read from wrk's output
 * or from the one line that {@link SdkLoad} prints.
 *
 * @param requests answers received in the run
 * @param seconds the run's length
 * @param p50Millis median latency
 * @param p99Millis 99th percentile latency
 * @param maxMillis the slowest answer's latency (wrk's "Max"); NaN when not measured
 * @param failures answers with a 4xx or 5xx status, or failed SDK calls
 * @param socketErrors wrk's connect, read, write and time-out errors
 * @param tokensWrapped how often a wrk thread came back to the first of its tokens
 * @param statuses answers by HTTP status, when the script counts them
 * ({@code scripts/benchmark/flood.lua} and {@code users.lua}); empty otherwise
 */
record LoadResult(long requests, double seconds, double p50Millis, double p99Millis, double maxMillis, long failures,
		long socketErrors, long tokensWrapped, Map<Integer, Long> statuses) {

	private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m|h)");

	private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([\\d.]+)(us|ms|s|m|h)",
			Pattern.MULTILINE);

	/** wrk's "Thread Stats" line of the latency: average, deviation, maximum. */
	private static final Pattern LATENCY_STATS = Pattern.compile(
			"^\\s*Latency\\s+[\\d.]+(?:us|ms|s|m|h)\\s+[\\d.]+(?:us|ms|s|m|h)\\s+([\\d.]+)(us|ms|s|m|h)\\s",
			Pattern.MULTILINE);

	private static final Pattern SOCKET_ERRORS = Pattern
		.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

	private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

	private static final Pattern WRAPPED = Pattern.compile("tokens-wrapped (\\d+)");

	private static final Pattern STATUSES = Pattern.compile("^statuses((?: \\d{3}=\\d+)*)\\s*$", Pattern.MULTILINE);

	private static final String LINE_PREFIX = "load-result";

	LoadResult {
		statuses = Map.copyOf(statuses);
	}

	/** A run whose answers were not counted by status, its slowest answer unknown. */
	LoadResult(long requests, double seconds, double p50Millis, double p99Millis, long failures, long socketErrors,
			long tokensWrapped) {
		this(requests, seconds, p50Millis, p99Millis, failures, socketErrors, tokensWrapped, Map.of());
	}

	/** A run whose slowest answer is unknown. */
	LoadResult(long requests, double seconds, double p50Millis, double p99Millis, long failures, long socketErrors,
			long tokensWrapped, Map<Integer, Long> statuses) {
		this(requests, seconds, p50Millis, p99Millis, Double.NaN, failures, socketErrors, tokensWrapped, statuses);
	}

	double requestsPerSecond() {
		return this.requests / this.seconds;
	}

	/** Answers with a status from {@code lowest} to {@code highest}, both included. */
	long answers(int lowest, int highest) {
		return this.statuses.entrySet()
			.stream()
			.filter((status) -> status.getKey() >= lowest && status.getKey() <= highest)
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	/**
	 * Runs made at the same time against the instances of a fleet, as one: answers,
	 * errors and wraps added up, the throughput the sum of the runs' throughputs, and the
	 * highest of their medians and 99th percentiles (wrk reports percentiles, not its
	 * histogram, so they cannot be merged exactly) and of their slowest answers.
	 */
	static LoadResult together(List<LoadResult> runs) {
		long requests = runs.stream().mapToLong(LoadResult::requests).sum();
		double perSecond = runs.stream().mapToDouble(LoadResult::requestsPerSecond).sum();
		return new LoadResult(requests, (perSecond > 0) ? requests / perSecond : 0,
				runs.stream().mapToDouble(LoadResult::p50Millis).max().orElse(Double.NaN),
				runs.stream().mapToDouble(LoadResult::p99Millis).max().orElse(Double.NaN), slowest(runs),
				runs.stream().mapToLong(LoadResult::failures).sum(),
				runs.stream().mapToLong(LoadResult::socketErrors).sum(),
				runs.stream().mapToLong(LoadResult::tokensWrapped).sum(), statuses(runs));
	}

	/**
	 * Runs made one after another against the same endpoint, as one: answers, seconds,
	 * errors and wraps added up, the medians of the runs' medians and 99th percentiles,
	 * and the slowest of their slowest answers.
	 */
	static LoadResult oneAfterAnother(List<LoadResult> runs) {
		return new LoadResult(runs.stream().mapToLong(LoadResult::requests).sum(),
				runs.stream().mapToDouble(LoadResult::seconds).sum(),
				median(runs.stream().mapToDouble(LoadResult::p50Millis).sorted().toArray()),
				median(runs.stream().mapToDouble(LoadResult::p99Millis).sorted().toArray()), slowest(runs),
				runs.stream().mapToLong(LoadResult::failures).sum(),
				runs.stream().mapToLong(LoadResult::socketErrors).sum(),
				runs.stream().mapToLong(LoadResult::tokensWrapped).sum(), statuses(runs));
	}

	private static Map<Integer, Long> statuses(List<LoadResult> runs) {
		Map<Integer, Long> sums = new TreeMap<>();
		runs.forEach((run) -> run.statuses().forEach((status, count) -> sums.merge(status, count, Long::sum)));
		return sums;
	}

	/** The slowest of the runs' slowest answers that are known. */
	private static double slowest(List<LoadResult> runs) {
		return runs.stream()
			.mapToDouble(LoadResult::maxMillis)
			.filter((millis) -> !Double.isNaN(millis))
			.max()
			.orElse(Double.NaN);
	}

	private static double median(double[] sorted) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/** Reads the output of {@code wrk --latency} with the benchmark's Lua script. */
	static LoadResult parseWrk(String output) {
		Matcher requests = find(REQUESTS, output, "requests in");
		double p50 = Double.NaN;
		double p99 = Double.NaN;
		Matcher percentile = PERCENTILE.matcher(output);
		while (percentile.find()) {
			double millis = millis(percentile.group(2), percentile.group(3));
			if (percentile.group(1).equals("50")) {
				p50 = millis;
			}
			else {
				p99 = millis;
			}
		}
		if (Double.isNaN(p50) || Double.isNaN(p99)) {
			throw new IllegalStateException("No latency distribution in wrk's output:\n" + output);
		}
		Matcher stats = LATENCY_STATS.matcher(output);
		double max = stats.find() ? millis(stats.group(1), stats.group(2)) : Double.NaN;
		long socketErrors = 0;
		Matcher errors = SOCKET_ERRORS.matcher(output);
		if (errors.find()) {
			for (int group = 1; group <= 4; group++) {
				socketErrors += Long.parseLong(errors.group(group));
			}
		}
		Matcher non2xx = NON_2XX.matcher(output);
		Matcher wrapped = WRAPPED.matcher(output);
		Map<Integer, Long> statuses = new TreeMap<>();
		Matcher counted = STATUSES.matcher(output);
		if (counted.find()) {
			for (String pair : counted.group(1).strip().split(" ")) {
				if (!pair.isEmpty()) {
					int equals = pair.indexOf('=');
					statuses.put(Integer.parseInt(pair.substring(0, equals)),
							Long.parseLong(pair.substring(equals + 1)));
				}
			}
		}
		return new LoadResult(Long.parseLong(requests.group(1)), millis(requests.group(2), requests.group(3)) / 1000.0,
				p50, p99, max, non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socketErrors,
				wrapped.find() ? Long.parseLong(wrapped.group(1)) : 0, statuses);
	}

	/** The one line {@link SdkLoad} prints for the benchmark to read back. */
	String toLine() {
		return String.format(Locale.ROOT, "%s requests=%d seconds=%.3f p50=%.3f p99=%.3f failures=%d", LINE_PREFIX,
				this.requests, this.seconds, this.p50Millis, this.p99Millis, this.failures);
	}

	static LoadResult parseLine(String output) {
		Matcher line = find(
				Pattern.compile(
						LINE_PREFIX + " requests=(\\d+) seconds=([\\d.]+) p50=([\\d.]+) p99=([\\d.]+) failures=(\\d+)"),
				output, LINE_PREFIX);
		return new LoadResult(Long.parseLong(line.group(1)), Double.parseDouble(line.group(2)),
				Double.parseDouble(line.group(3)), Double.parseDouble(line.group(4)), Long.parseLong(line.group(5)), 0,
				0);
	}

	private static Matcher find(Pattern pattern, String output, String what) {
		Matcher matcher = pattern.matcher(output);
		if (!matcher.find()) {
			throw new IllegalStateException("No '" + what + "' in the load generator's output:\n" + output);
		}
		return matcher;
	}

	private static double millis(String value, String unit) {
		double number = Double.parseDouble(value);
		return switch (unit) {
			case "us" -> number / 1000.0;
			case "ms" -> number;
			case "s" -> number * 1000.0;
			case "m" -> number * 60_000.0;
			case "h" -> number * 3_600_000.0;
			default -> throw new IllegalArgumentException("Unknown time unit " + unit);
		};
	}

}
