package benchmark;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Tells the person running the benchmark what it is doing, one time-stamped line at a
 * time on standard error, so that the table alone goes to standard output.
 */
final class Progress {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

	private Progress() {
	}

	static void print(String message) {
		System.err.printf("[%s] %s%n", TIME.format(Instant.now().atZone(ZoneOffset.UTC)), message);
	}

}
