package benchmark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The processes that the benchmark starts, each with its output in its own log file. All
 * are stopped by {@link #close()}, which a shutdown hook also runs (Ctrl-C, SIGTERM);
 * their ids go to a file so that {@code scripts/benchmark.sh} can stop them even when
 * this JVM is killed outright.
 */
final class Processes implements AutoCloseable {

	/** Options of the launching environment that would change the children's JVMs. */
	private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
			"JDK_JAVA_OPTIONS");

	private final Path directory;

	private final Path pidFile;

	private final List<Child> started = new CopyOnWriteArrayList<>();

	private final Thread shutdownHook = new Thread(this::close, "benchmark-stop-processes");

	Processes(Path directory) {
		this.directory = directory;
		this.pidFile = directory.resolve("pids");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	Path directory() {
		return this.directory;
	}

	/**
	 * Records a process started by someone else (PostgreSQL) for the script's clean-up.
	 */
	void recordPid(long pid) {
		try {
			Files.writeString(this.pidFile, pid + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Child start(String name, List<String> command, Map<String, String> environment) {
		Path log = this.directory.resolve(name + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(new File("/dev/null"));
		JVM_OPTION_VARIABLES.forEach(builder.environment()::remove);
		builder.environment().putAll(environment);
		try {
			long startNanos = System.nanoTime();
			Process process = builder.start();
			Child child = new Child(name, process, log, startNanos);
			this.started.add(child);
			recordPid(process.pid());
			return child;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + name + ": " + command.get(0), ex);
		}
	}

	@Override
	public void close() {
		for (Child child : this.started) {
			child.stop();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// Already shutting down: this is the hook.
		}
	}

	/** One started process. */
	record Child(String name, Process process, Path log, long startNanos) {

		static final Duration GRACE = Duration.ofSeconds(5);

		long pid() {
			return this.process.pid();
		}

		/** Fails when the process has already ended, naming its exit and its log. */
		void requireAlive() {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						this.name + " stopped (exit " + this.process.exitValue() + "); see " + this.log);
			}
		}

		/** Resident memory from {@code /proc/PID/status} (VmRSS), in KiB. */
		long residentKib() {
			return statusKib("VmRSS");
		}

		/** The most resident memory the process has had since it started. */
		long peakResidentKib() {
			return statusKib("VmHWM");
		}

		private long statusKib(String field) {
			try {
				for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
					if (line.startsWith(field + ":")) {
						return Long.parseLong(line.replaceAll("\\D", ""));
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read the resident memory of " + this.name, ex);
			}
			throw new IllegalStateException("No " + field + " for " + this.name);
		}

		/** Waits for the process to end; stops it and fails when it takes longer. */
		int await(Duration limit) {
			try {
				if (!this.process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
					stop();
					throw new IllegalStateException(this.name + " did not finish within " + limit.toSeconds() + " s");
				}
				return this.process.exitValue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				stop();
				throw new IllegalStateException("Interrupted while waiting for " + this.name, ex);
			}
		}

		String output() {
			try {
				return Files.readString(this.log);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/**
		 * SIGTERM, a few seconds for a graceful shutdown, then SIGKILL: a benchmark does
		 * not wait out a shutdown time-out.
		 * @return whether the process ended of itself after SIGTERM (or had already
		 * ended)
		 */
		boolean stop() {
			if (!this.process.isAlive()) {
				return true;
			}
			this.process.destroy();
			try {
				if (this.process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
					return true;
				}
				this.process.destroyForcibly();
				this.process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
			return false;
		}

	}

}
