package benchmark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import benchmark.Processes.Child;

/**
 * The ACS emulator as its own process, from the service's jar, with a fixed latency added
 * to each call: where it listens, the certificate it made up for its TLS, and the
 * connection string of its clients (the service and the direct SDK client).
 */
final class Emulator {

	/**
	 * The emulator enforces ACS's limits unless told otherwise (1000 issue-token calls
	 * per 30 s, and so on), which rows 4 to 6 exceed: they measure the service, not ACS's
	 * refusals. {@code --flood-networks} keeps them, as ACS would.
	 */
	private static final String LIMITS_OFF = "--acs.emulator.limits.enabled=false";

	private final int port;

	private final Path certificate;

	private final String accessKey;

	private Emulator(int port, Path certificate, String accessKey) {
		this.port = port;
		this.certificate = certificate;
		this.accessKey = accessKey;
	}

	/**
	 * Starts the emulator and waits until it has written its certificate and accepts
	 * connections.
	 * @param acsLimits whether it refuses calls beyond ACS's limits with 429, as ACS does
	 */
	static Emulator start(Settings settings, Processes processes, String accessKey, boolean acsLimits)
			throws Exception {
		Path temporary = Files.createDirectories(settings.work().resolve("emulator-tmp"));
		int port = Server.freePort();
		Child emulator = processes.start("emulator", List.of(Launcher.JAVA.toString(), "-Djava.io.tmpdir=" + temporary,
				"-jar", settings.jar().toString(), "--spring.profiles.active=emulator", "--acs.emulator.host=127.0.0.1",
				"--acs.emulator.port=" + port, "--acs.emulator.faults.latency=" + settings.latencyMillis() + "ms",
				acsLimits ? "--acs.emulator.limits.enabled=true" : LIMITS_OFF),
				Map.of("ACS_EMULATOR_ACCESSKEY", accessKey));
		long deadline = System.nanoTime() + Server.READY_WITHIN.toNanos();
		while (System.nanoTime() < deadline) {
			emulator.requireAlive();
			Path certificate;
			try (Stream<Path> files = Files.list(temporary)) {
				certificate = files.filter((file) -> file.getFileName().toString().startsWith("acs-emulator-cert"))
					.findFirst()
					.orElse(null);
			}
			if (certificate != null && accepts(port)) {
				return new Emulator(port, certificate, accessKey);
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("The emulator did not start; see " + emulator.log());
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The certificate that its clients trust, a PEM file. */
	Path certificate() {
		return this.certificate;
	}

	/** What its clients are given as {@code ACS_CONNECTION_STRING}. */
	String connectionString() {
		return "endpoint=https://127.0.0.1:" + this.port + "/;accesskey=" + this.accessKey;
	}

}
