package org.acstokenservice.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server under a running emulator: makes a TLS certificate for this run and
 * writes it as a PEM file, binds the JDK server, serves the given handlers on a bounded
 * pool of threads, and stops it all again. It knows nothing of what the handlers answer.
 */
final class EmulatorServer {

	static final String CERTIFICATE_FILE = "acs-emulator-cert.pem";

	private static final Logger logger = LoggerFactory.getLogger(EmulatorServer.class);

	private final HttpsServer server;

	private final ScheduledExecutorService executor;

	private final SelfSignedCertificate certificate;

	private final Path certificateFile;

	private final boolean temporaryCertificateFile;

	private final URI endpoint;

	private EmulatorServer(HttpsServer server, ScheduledExecutorService executor, SelfSignedCertificate certificate,
			Path certificateFile, boolean temporaryCertificateFile, URI endpoint) {
		this.server = server;
		this.executor = executor;
		this.certificate = certificate;
		this.certificateFile = certificateFile;
		this.temporaryCertificateFile = temporaryCertificateFile;
		this.endpoint = endpoint;
	}

	/**
	 * Makes the certificate, binds, writes the certificate file and starts serving; on
	 * failure, releases what it took.
	 * @param host the address to bind and to name in the certificate
	 * @param port the port to bind; {@code 0} picks a free one
	 * @param dataDirectory where to write the certificate file, or {@code null} for a
	 * temporary file
	 * @param handlers the handler of each path prefix, given the pool that the server
	 * runs on (so that a handler can answer later without holding a thread)
	 * @return the running server
	 * @throws UncheckedIOException if the server cannot bind or the file cannot be
	 * written
	 */
	static EmulatorServer start(String host, int port, @Nullable Path dataDirectory,
			Function<ScheduledExecutorService, Map<String, HttpHandler>> handlers) {
		ScheduledExecutorService executor = null;
		HttpsServer server = null;
		Path certificateFile = null;
		try {
			SelfSignedCertificate certificate = SelfSignedCertificate.generate(host);
			server = HttpsServer.create(new InetSocketAddress(host, port), 128);
			server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
			executor = newExecutor();
			handlers.apply(executor).forEach(server::createContext);
			server.setExecutor(executor);
			certificateFile = (dataDirectory != null) ? dataDirectory.resolve(CERTIFICATE_FILE)
					: Files.createTempFile("acs-emulator-cert", ".pem");
			certificate.writePem(certificateFile);
			server.start();
			URI endpoint = URI.create("https://" + endpointHost(host) + ":" + server.getAddress().getPort() + "/");
			return new EmulatorServer(server, executor, certificate, certificateFile, dataDirectory == null, endpoint);
		}
		catch (IOException | RuntimeException ex) {
			if (server != null) {
				server.stop(0);
			}
			if (executor != null) {
				executor.shutdownNow();
			}
			if (certificateFile != null && dataDirectory == null) {
				deleteQuietly(certificateFile);
			}
			if (ex instanceof IOException io) {
				throw new UncheckedIOException("Cannot start the ACS emulator on " + host + ":" + port, io);
			}
			throw (RuntimeException) ex;
		}
	}

	/** The HTTPS endpoint, e.g. {@code https://127.0.0.1:PORT/}. */
	URI endpoint() {
		return this.endpoint;
	}

	/** The self-signed certificate of this run. */
	X509Certificate certificate() {
		return this.certificate.certificate();
	}

	/** The certificate as a PEM file: in the data directory, or a temporary file. */
	Path certificateFile() {
		return this.certificateFile;
	}

	/**
	 * Stops serving, lets running answers finish for up to 5 seconds, and deletes a
	 * temporary certificate file; answers still held back by a latency fault are dropped.
	 */
	void stop() {
		this.server.stop(0);
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
		if (this.temporaryCertificateFile) {
			deleteQuietly(this.certificateFile);
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.debug("Could not delete {}", file, ex);
		}
	}

	private static ScheduledExecutorService newExecutor() {
		int threads = Math.max(4, Math.min(32, 2 * Runtime.getRuntime().availableProcessors()));
		AtomicInteger count = new AtomicInteger();
		// Non-daemon threads: a standalone emulator keeps the JVM alive while it serves.
		ThreadFactory factory = (runnable) -> new Thread(runnable, "acs-emulator-" + count.incrementAndGet());
		/*
		 * A bounded number of threads; requests beyond that wait in the queue rather than
		 * being refused, as the JDK server has no good way to answer a rejection. The
		 * same pool runs answers held back by a latency fault, holding no thread while
		 * they wait; those still waiting when the emulator closes are not answered.
		 */
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, factory);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	private static String endpointHost(String host) {
		if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
			return "127.0.0.1";
		}
		if (host.contains(":") && !host.startsWith("[")) {
			return "[" + host + "]";
		}
		return host;
	}

}
