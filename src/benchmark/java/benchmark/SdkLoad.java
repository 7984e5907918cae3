package benchmark;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import ch.qos.logback.classic.Level;
import com.azure.communication.common.CommunicationUserIdentifier;
import com.azure.communication.identity.CommunicationIdentityClient;
import com.azure.communication.identity.CommunicationIdentityClientBuilder;
import com.azure.communication.identity.models.CommunicationTokenScope;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's direct SDK call: the call that the service makes for a fresh token
 * ({@code CommunicationIdentityClient.getToken} for {@code chat} and {@code voip}, 60
 * minutes: the standard tier's defaults) made by {@code connections} threads at once
 * against the same emulator, with no service in between. The difference between the
 * service's fresh-token latency and this one is what the service adds.
 * <p>
 * {@code java benchmark.SdkLoad --pem=FILE --connections=32 --users=200 --warmup=60
 * --measure=20}, with the connection string in {@code ACS_CONNECTION_STRING}; prints one
 * {@link LoadResult} line. It first creates the users' identities, then warms up, then
 * measures.
 */
public final class SdkLoad {

	private static final List<CommunicationTokenScope> SCOPES = List.of(CommunicationTokenScope.CHAT,
			CommunicationTokenScope.VOIP);

	private static final Duration LIFETIME = Duration.ofMinutes(60);

	private SdkLoad() {
	}

	public static void main(String[] args) throws Exception {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.ERROR);
		Map<String, String> options = Settings.options(args);
		String connectionString = System.getenv("ACS_CONNECTION_STRING");
		if (connectionString == null) {
			throw new IllegalArgumentException("Set ACS_CONNECTION_STRING");
		}
		int connections = Integer.parseInt(options.get("connections"));
		CommunicationIdentityClient client = new CommunicationIdentityClientBuilder().connectionString(connectionString)
			.httpClient(new JdkHttpClientBuilder(
					HttpClient.newBuilder().sslContext(trustingOnly(Path.of(options.get("pem")))))
				/*
				 * As the service builds its client (AcsHttpClient), so that the rows
				 * compare the same SDK call.
				 */
				.connectionTimeout(Duration.ofSeconds(2))
				.responseTimeout(Duration.ofSeconds(3))
				.readTimeout(Duration.ZERO)
				.build())
			.buildClient();
		ExecutorService threads = Executors.newFixedThreadPool(connections);
		try {
			List<Future<CommunicationUserIdentifier>> created = new ArrayList<>();
			for (int i = 0; i < Integer.parseInt(options.get("users")); i++) {
				created.add(threads.submit(client::createUser));
			}
			List<CommunicationUserIdentifier> users = new ArrayList<>();
			for (Future<CommunicationUserIdentifier> user : created) {
				users.add(user.get());
			}
			run(client, users, threads, connections, Integer.parseInt(options.get("warmup")));
			LoadResult result = run(client, users, threads, connections, Integer.parseInt(options.get("measure")));
			System.out.println(result.toLine());
		}
		finally {
			threads.shutdownNow();
		}
	}

	/** Each thread calls in a loop, round the users, until the time is up. */
	private static LoadResult run(CommunicationIdentityClient client, List<CommunicationUserIdentifier> users,
			ExecutorService threads, int connections, int seconds) throws Exception {
		AtomicLong failures = new AtomicLong();
		long start = System.nanoTime();
		long end = start + Duration.ofSeconds(seconds).toNanos();
		List<Future<long[]>> latencies = new ArrayList<>();
		for (int t = 0; t < connections; t++) {
			int first = t;
			latencies.add(threads.submit(() -> {
				long[] mine = new long[1024];
				int count = 0;
				int next = first;
				while (System.nanoTime() < end) {
					long before = System.nanoTime();
					try {
						client.getToken(users.get(next % users.size()), SCOPES, LIFETIME);
					}
					catch (RuntimeException ex) {
						failures.incrementAndGet();
					}
					if (count == mine.length) {
						mine = Arrays.copyOf(mine, count * 2);
					}
					mine[count++] = System.nanoTime() - before;
					next += connections;
				}
				return Arrays.copyOf(mine, count);
			}));
		}
		List<long[]> all = new ArrayList<>();
		for (Future<long[]> thread : latencies) {
			all.add(thread.get());
		}
		double elapsed = (System.nanoTime() - start) / 1e9;
		long[] sorted = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
		return new LoadResult(sorted.length, elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99),
				failures.get(), 0, 0);
	}

	private static double percentile(long[] sorted, double share) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(share * sorted.length) - 1;
		return sorted[Math.max(0, index)] / 1e6;
	}

	private static SSLContext trustingOnly(Path pem) throws Exception {
		X509Certificate certificate;
		try (InputStream in = Files.newInputStream(pem)) {
			certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		KeyStore trustStore = KeyStore.getInstance("PKCS12");
		trustStore.load(null, null);
		trustStore.setCertificateEntry("acs-emulator", certificate);
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trustStore);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trustManagers.getTrustManagers(), null);
		return context;
	}

}
