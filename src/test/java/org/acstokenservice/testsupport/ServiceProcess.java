package org.acstokenservice.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.acstokenservice.AcsTokenServiceApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service in a JVM of its own, for tests that stop it as an operator's platform does
 * (SIGTERM, SIGKILL): the command that starts it as it ships, a free port, and the wait
 * until it is ready.
 */
public final class ServiceProcess {

	private ServiceProcess() {
	}

	/**
	 * The command that runs the application on the test's class path without the test
	 * classes (they stay out of its component scan), with a small heap and C1 only.
	 * @param arguments the application's arguments, {@code --name=value}
	 */
	public static List<String> command(List<String> arguments) {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
				AcsTokenServiceApplication.class.getName(), "--spring.main.banner-mode=off"));
		command.addAll(arguments);
		return command;
	}

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Waits until the service's readiness is UP.
	 * @throws AssertionError when the process exits first or the time runs out, with its
	 * log
	 */
	public static void awaitReady(ServiceClient client, Process service, Path log, Duration timeout)
			throws InterruptedException, IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(service.isAlive()).as("the service exited; log: %s", Files.readString(log)).isTrue();
			try {
				if (client.get("/actuator/health/readiness", null).statusCode() == 200) {
					return;
				}
			}
			catch (RuntimeException notYet) {
				// Not listening yet.
			}
			Thread.sleep(200);
		}
		throw new AssertionError("not ready within " + timeout + "; log: " + Files.readString(log));
	}

}
