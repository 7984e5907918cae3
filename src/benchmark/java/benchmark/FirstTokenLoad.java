package benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * New users asking for their first token one after another ({@code --flood-networks}):
 * one connection, each request the token of a user who has no identity yet, a pause
 * between an answer and the next request, every request from one address named in
 * {@code X-Forwarded-For}. Measured here rather than by wrk, which leaves out a request
 * still in flight when its run ends: the slowest first token could be that one. A request
 * sent before the end is waited for, up to {@link #ANSWER_WITHIN}.
 */
final class FirstTokenLoad {

	/**
	 * How long a first token may take before it counts as no answer: a socket error, as a
	 * time-out of wrk's.
	 */
	static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	/**
	 * Sends the users of {@code users} in turn for {@code seconds}.
	 * @param url the {@code /token} endpoint
	 * @param users a file of bearer tokens, one a line, each a new user
	 * @param forwardedFor the users' address as the trusted proxy names it
	 * @param delayMillis the pause between an answer and the next request
	 * @return the answers with their p50, p99 and slowest, by status; a socket error for
	 * each request without an answer; one wrap when the users ran out before the end
	 */
	LoadResult run(String url, Path users, String forwardedFor, int delayMillis, int seconds)
			throws IOException, InterruptedException {
		List<String> tokens = Files.readAllLines(users).stream().filter((line) -> !line.isBlank()).toList();
		List<Long> latencies = new ArrayList<>();
		Map<Integer, Long> statuses = new TreeMap<>();
		long socketErrors = 0;
		int next = 0;
		long start = System.nanoTime();
		long end = start + seconds * 1_000_000_000L;
		while (System.nanoTime() < end && next < tokens.size()) {
			HttpRequest request = HttpRequest.newBuilder(URI.create(url))
				.header("Authorization", "Bearer " + tokens.get(next++))
				.header("X-Forwarded-For", forwardedFor)
				.timeout(ANSWER_WITHIN)
				.POST(HttpRequest.BodyPublishers.noBody())
				.build();
			long before = System.nanoTime();
			try {
				int status = this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
				latencies.add(System.nanoTime() - before);
				statuses.merge(status, 1L, Long::sum);
			}
			catch (IOException ex) {
				socketErrors++;
			}
			long pause = Math.min(delayMillis * 1_000_000L, end - System.nanoTime());
			if (pause > 0) {
				Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
			}
		}
		boolean ranOut = System.nanoTime() < end;
		double elapsed = (System.nanoTime() - start) / 1e9;
		long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		long failures = statuses.entrySet()
			.stream()
			.filter((status) -> status.getKey() >= 300)
			.mapToLong(Map.Entry::getValue)
			.sum();
		return new LoadResult(sorted.length, elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99),
				(sorted.length > 0) ? sorted[sorted.length - 1] / 1e6 : Double.NaN, failures, socketErrors,
				ranOut ? 1 : 0, statuses);
	}

	/** The nearest-rank percentile, in milliseconds, as {@link SdkLoad} takes it. */
	static double percentile(long[] sortedNanos, double share) {
		if (sortedNanos.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(share * sortedNanos.length) - 1;
		return sortedNanos[Math.max(0, index)] / 1e6;
	}

}
