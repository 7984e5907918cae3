package benchmark;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The new users' client times every answer, the slowest included, counts them by status,
 * sends each user once from the address given, and says when the users ran out.
 */
class FirstTokenLoadTests {

	private final List<String> seen = new CopyOnWriteArrayList<>();

	private HttpServer server;

	@BeforeEach
	void startServer() throws Exception {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/token", (exchange) -> {
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			this.seen.add(authorization + " from " + exchange.getRequestHeaders().getFirst("X-Forwarded-For"));
			boolean slow = authorization.endsWith("slow");
			if (slow) {
				sleep(300);
			}
			exchange.sendResponseHeaders(slow ? 503 : 200, -1);
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	@Test
	void runWhenUsersRunOutThenEachOnceTimedByStatusAndWrapped(@TempDir Path directory) throws Exception {
		Path users = Files.writeString(directory.resolve("users.tokens"), "a\nslow\nb\n");
		String url = "http://127.0.0.1:" + this.server.getAddress().getPort() + "/token";

		LoadResult load = new FirstTokenLoad().run(url, users, "192.0.2.80", 10, 5);

		assertThat(this.seen).containsExactly("Bearer a from 192.0.2.80", "Bearer slow from 192.0.2.80",
				"Bearer b from 192.0.2.80");
		assertThat(load.requests()).isEqualTo(3);
		assertThat(load.statuses()).containsExactlyInAnyOrderEntriesOf(Map.of(200, 2L, 503, 1L));
		assertThat(load.failures()).isEqualTo(1);
		assertThat(load.maxMillis()).isGreaterThanOrEqualTo(300);
		assertThat(load.p50Millis()).isLessThan(300);
		assertThat(load.tokensWrapped()).as("ran out before the end").isEqualTo(1);
	}

	@Test
	void runWhenNoAnswerThenSocketError(@TempDir Path directory) throws Exception {
		Path users = Files.writeString(directory.resolve("users.tokens"), "a\n");
		this.server.stop(0);
		String url = "http://127.0.0.1:" + this.server.getAddress().getPort() + "/token";

		LoadResult load = new FirstTokenLoad().run(url, users, "192.0.2.80", 10, 1);

		assertThat(load.requests()).isZero();
		assertThat(load.socketErrors()).isEqualTo(1);
		assertThat(load.maxMillis()).isNaN();
	}

	@Test
	void percentileThenNearestRankInMillis() {
		long[] sorted = { 1_000_000, 2_000_000, 3_000_000, 4_000_000 };

		assertThat(FirstTokenLoad.percentile(sorted, 0.50)).isEqualTo(2.0);
		assertThat(FirstTokenLoad.percentile(sorted, 0.99)).isEqualTo(4.0);
		assertThat(FirstTokenLoad.percentile(new long[0], 0.50)).isNaN();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
