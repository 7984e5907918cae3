package benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The lines above the table: when the run was, the machine, the JVMs and wrk, the load,
 * and which rows ran the service with its limits on or off.
 */
final class ReportHeader {

	private final Settings settings;

	private final Report report;

	ReportHeader(Settings settings, Report report) {
		this.settings = settings;
		this.report = report;
	}

	/** The header's lines: when, on what, and how the processes run. */
	void add(int bodySize) throws IOException {
		Settings s = this.settings;
		String cpu = cpu();
		this.report.header(String.format(Locale.ROOT, "POST /token benchmark%s, %s UTC",
				s.smoke() ? " (SMOKE: seconds per row, figures mean nothing)" : "",
				DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(Instant.now().atOffset(ZoneOffset.UTC))));
		this.report.header(String.format(Locale.ROOT, "%s, %d cores, Java %s, %s", cpu,
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"), wrkVersion()));
		this.report.header(String.format(Locale.ROOT,
				"%d connections (wrk, %d threads), %d users (RS256 JWTs, tier standard) in turn; service and "
						+ "reference JVMs: %s%s; emulator: +%d ms a call, ACS's limits off; response body %d bytes",
				s.connections(), s.threads(), s.users(), String.join(" ", Launcher.JVM_FLAGS),
				s.serviceJava().map((java) -> "; the service's java: " + java).orElse(""), s.latencyMillis(),
				bodySize));
		this.report.header(String.format(Locale.ROOT,
				"Service: production defaults, every limit on (per-user rate limit, ACS call budget, failed sign-in "
						+ "limit) with capacities no run reaches, %s: rows 2–4, 6–13, 15, 16, 19 and row 14's "
						+ "rounds on row 3's process; limits off (%s): row 14's own process only; no service: rows "
						+ "1, 5, 17, 18%s",
				String.join(" ", Launcher.LIMITS_UNREACHABLE), String.join(" ", Launcher.LIMITS_OFF),
				alsoWith(s.serviceJvmFlags(), "service JVM") + alsoWith(s.serviceArguments(), "service process")));
	}

	/** The header of {@code --at-defaults} and {@code --soak}. */
	void addManyUsers() throws IOException {
		Settings s = this.settings;
		this.report.header(String.format(Locale.ROOT, "%s%s, %s UTC",
				s.soak() ? String.format(Locale.ROOT, "Soak of %d min, a sample every %d s, warm-up %d s",
						s.soakMinutes(), s.soakSample(), s.soakWarmup())
						: "POST /token at the per-user rate limit's defaults (rows 20 to 23)",
				s.smoke() ? " (SMOKE: figures mean nothing)" : "",
				DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(Instant.now().atOffset(ZoneOffset.UTC))));
		this.report.header(String.format(Locale.ROOT, "%s, %d cores, Java %s, %s; jar %s", cpu(),
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"), wrkVersion(),
				s.jar()));
		this.report.header(String.format(Locale.ROOT,
				"%d users (RS256 JWTs, tier standard); service JVM: %s%s; emulator: +%d ms a call, ACS's limits off; "
						+ "service: production mode, PostgreSQL, every limit on, the per-user rate limit at its "
						+ "defaults, %s%s",
				s.manyUsers(), String.join(" ", Launcher.JVM_FLAGS),
				s.serviceJava().map((java) -> "; the service's java: " + java).orElse(""), s.latencyMillis(),
				String.join(" ", Launcher.RATE_LIMIT_DEFAULTS),
				alsoWith(s.serviceJvmFlags(), "service JVM") + alsoWith(s.serviceArguments(), "service process")));
	}

	/** The header of {@code --flood-networks}. */
	void addFloodNetworks() throws IOException {
		Settings s = this.settings;
		this.report.header(String.format(Locale.ROOT,
				"POST /token under a flood from rotating /64s (rows 24 and 25)%s, %s UTC",
				s.smoke() ? " (SMOKE: figures mean nothing)" : "",
				DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(Instant.now().atOffset(ZoneOffset.UTC))));
		this.report.header(String.format(Locale.ROOT, "%s, %d cores, Java %s, %s; jar %s", cpu(),
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"), wrkVersion(),
				s.jar()));
		this.report.header(String.format(Locale.ROOT,
				"One service process: production mode, PostgreSQL, every limit at its defaults (per-user rate limit, "
						+ "ACS call budget, failed sign-in limit), behind a trusted proxy (%s); JVM: %s%s; emulator: +%d "
						+ "ms a call, ACS's limits on%s",
				String.join(" ", Launcher.TRUSTED_PROXY), String.join(" ", Launcher.JVM_FLAGS),
				s.serviceJava().map((java) -> "; the service's java: " + java).orElse(""), s.latencyMillis(),
				alsoWith(s.serviceJvmFlags(), "service JVM") + alsoWith(s.serviceArguments(), "service process")));
	}

	private static String cpu() throws IOException {
		try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
			return lines.filter((line) -> line.startsWith("model name"))
				.findFirst()
				.map((line) -> line.substring(line.indexOf(':') + 1).strip())
				.orElse("unknown CPU");
		}
	}

	private static String alsoWith(List<String> arguments, String what) {
		return arguments.isEmpty() ? "" : "; every " + what + " also with " + String.join(" ", arguments);
	}

	private static String wrkVersion() {
		try {
			Process wrk = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
			String output = new String(wrk.getInputStream().readAllBytes()).strip();
			wrk.waitFor();
			return output.lines().findFirst().orElse("wrk").replaceAll("\\s*Copyright.*", "");
		}
		catch (IOException ex) {
			return "wrk (version unknown)";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "wrk (version unknown)";
		}
	}

}
