package benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * The JWT issuer's key set, served again on loopback by the benchmark so that it can
 * count how often the service and the reference fetch it. A resource server fetches it at
 * its first token and when its cache expires, and Spring Security's decoder fetches it
 * again, one fetch at a time, for every token whose key id it does not know: each token
 * of a flood of forged ones. Like the issuer's own, it answers on one thread.
 */
final class KeySetServer implements AutoCloseable {

	private final HttpServer server;

	private final AtomicLong fetches = new AtomicLong();

	/**
	 * @param issuerKeySetUri where the issuer publishes its key set; read once, now
	 */
	KeySetServer(String issuerKeySetUri) throws IOException, InterruptedException {
		HttpResponse<byte[]> published = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(issuerKeySetUri)).build(), HttpResponse.BodyHandlers.ofByteArray());
		if (published.statusCode() != 200) {
			throw new IllegalStateException("The issuer's key set answered " + published.statusCode());
		}
		byte[] keySet = published.body();
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/jwks", (exchange) -> {
			this.fetches.incrementAndGet();
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, keySet.length);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(keySet);
			}
		});
		this.server.start();
	}

	String uri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks";
	}

	/** How often the key set was fetched since the start. */
	long fetches() {
		return this.fetches.get();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
