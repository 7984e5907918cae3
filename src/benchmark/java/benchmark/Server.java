package benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import benchmark.Processes.Child;

/**
 * A started HTTP server on loopback, the service or the reference: its process and the
 * port it was given, and what the benchmark asks it over HTTP (its readiness, the size of
 * a token answer, its counters) besides the load.
 */
record Server(Child process, int port) {

	/** How long a process may take to be ready. */
	static final Duration READY_WITHIN = Duration.ofSeconds(120);

	/** The service's count of {@code /token} answers, as {@link #prometheus} sums it. */
	static final String TOKEN_ANSWERS = "http_server_requests_seconds_count /token";

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)",
			Pattern.MULTILINE);

	private static final Pattern URI_LABEL = Pattern.compile("uri=\"([^\"]*)\"");

	private static final Pattern OPERATION_LABEL = Pattern.compile("operation=\"([^\"]*)\"");

	String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	/** From the process's start to its readiness probe answering UP. */
	Duration awaitReady() throws Exception {
		HttpRequest probe = HttpRequest.newBuilder(URI.create(url("/actuator/health/readiness")))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = this.process.startNanos() + READY_WITHIN.toNanos();
		while (System.nanoTime() < deadline) {
			this.process.requireAlive();
			try {
				HttpResponse<String> answer = HTTP.send(probe, HttpResponse.BodyHandlers.ofString());
				if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
					return Duration.ofNanos(System.nanoTime() - this.process.startNanos());
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException(this.process.name() + " was not ready within " + READY_WITHIN.toSeconds()
				+ " s; see " + this.process.log());
	}

	/**
	 * One token request outside the measurements, for the size of the answer. Asked again
	 * after {@code Retry-After} on 429 and 503, as a front end does (a cold start's
	 * failures may have opened the ACS circuit breaker), for half a minute at most.
	 */
	int tokenBodySize(String token) throws Exception {
		String url = url("/token");
		long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url))
				.header("Authorization", "Bearer " + token)
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofByteArray());
			if (answer.statusCode() == 200) {
				return answer.body().length;
			}
			long retryAfter = answer.headers().firstValueAsLong("Retry-After").orElse(-1);
			boolean again = (answer.statusCode() == 429 || answer.statusCode() == 503) && retryAfter >= 0;
			if (!again || System.nanoTime() + retryAfter * 1_000_000_000L > giveUp) {
				throw new IllegalStateException("POST " + url + " answered " + answer.statusCode());
			}
			Thread.sleep(Math.max(100, retryAfter * 1000));
		}
	}

	/**
	 * One token request outside the measurements, its answer's status only (the body
	 * holds a token and is dropped).
	 */
	int tokenStatus(String token) throws Exception {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create(url("/token")))
				.header("Authorization", "Bearer " + token)
				.timeout(Duration.ofSeconds(30))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	/**
	 * Sums of the counters on {@code /actuator/prometheus}, by name; HTTP server counts
	 * also by name and URI, ACS calls also by name and operation
	 * ({@code acs_calls_seconds_count operation=issueToken}).
	 * @param adminToken a token that may read the endpoint
	 */
	Map<String, Double> prometheus(String adminToken) throws Exception {
		HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url("/actuator/prometheus")))
			.header("Authorization", "Bearer " + adminToken)
			.build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("/actuator/prometheus answered " + answer.statusCode());
		}
		Map<String, Double> sums = new LinkedHashMap<>();
		Matcher line = SAMPLE.matcher(answer.body());
		while (line.find()) {
			double value = Double.parseDouble(line.group(3));
			sums.merge(line.group(1), value, Double::sum);
			Matcher labels = URI_LABEL.matcher((line.group(2) != null) ? line.group(2) : "");
			if (labels.find()) {
				sums.merge(line.group(1) + " " + labels.group(1), value, Double::sum);
			}
			Matcher operations = OPERATION_LABEL.matcher((line.group(2) != null) ? line.group(2) : "");
			if (operations.find()) {
				sums.merge(line.group(1) + " operation=" + operations.group(1), value, Double::sum);
			}
		}
		return sums;
	}

	/** The {@code /token} answers that the servers counted so far, added up. */
	static double tokenAnswers(List<Server> servers, String adminToken) throws Exception {
		double answers = 0;
		for (Server server : servers) {
			answers += server.prometheus(adminToken).getOrDefault(TOKEN_ANSWERS, 0.0);
		}
		return answers;
	}

	void stop() {
		if (!this.process.stop()) {
			Progress.print(
					this.process.name() + " did not stop within " + Child.GRACE.toSeconds() + " s of SIGTERM; killed");
		}
	}

	/** A port on loopback that no one listens on now. */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
