package org.acstokenservice;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.junit.jupiter.api.Test;
import org.acstokenservice.testsupport.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a rolling update does to an instance: SIGTERM while token requests wait on ACS.
 * The service runs in a JVM of its own, since only a real JVM shutdown runs the shutdown
 * hooks (azure-core's among them) that this is about.
 */
@IntegrationTest
class GracefulShutdownTests {

	private static final Duration ACS_LATENCY = Duration.ofMillis(1500);

	@Test
	void sigtermWhenTokenRequestsWaitOnAcsThenTheyAreAnsweredAndTheServiceStopsPromptly() throws Exception {
		int port = ServiceProcess.freePort();
		Path log = Files.createTempFile("graceful-shutdown-", ".log");
		Process service = new ProcessBuilder(command(port)).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			ServiceClient client = new ServiceClient(port);
			ServiceProcess.awaitReady(client, service, log, Duration.ofSeconds(90));
			List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
			for (String user : List.of("alice", "bob", "admin")) {
				inFlight.add(CompletableFuture.supplyAsync(() -> client.post("/token", user, null)));
			}
			Thread.sleep(ACS_LATENCY.toMillis() / 3);

			long stopping = System.nanoTime();
			service.destroy();
			boolean stopped = service.waitFor(15, TimeUnit.SECONDS);

			assertThat(stopped).as("stopped within 15 s of SIGTERM; log: %s", log).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(10));
			for (CompletableFuture<HttpResponse<String>> request : inFlight) {
				assertThat(request.get(1, TimeUnit.SECONDS).statusCode()).as("answered before the server stopped")
					.isEqualTo(200);
			}
			assertThat(Files.readString(log)).contains("Graceful shutdown complete");
		}
		finally {
			service.destroyForcibly();
		}
	}

	private static List<String> command(int port) {
		return ServiceProcess
			.command(List.of("--server.port=" + port, "--spring.datasource.url=jdbc:h2:mem:shutdown;DB_CLOSE_DELAY=-1",
					"--acs.emulator.data-dir=", "--acs.emulator.faults.latency=" + ACS_LATENCY.toMillis() + "ms",
					"--token-service.tokens.reuse.enabled=false"));
	}

}
