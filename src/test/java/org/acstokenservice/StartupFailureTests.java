package org.acstokenservice;

import java.time.Duration;

import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.acstokenservice.testsupport.LocalModeTestProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Bad configuration stops start-up with a message that says what to fix, and no secret.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTests {

	private static final String ACCESS_KEY = "c2VjcmV0LWFjY2Vzcy1rZXktdGhhdC1tdXN0LW5vdC1sZWFr";

	@Test
	void startWhenConnectionStringMalformedThenFailsWithoutEchoingIt(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("--acs.connection-string=endpoint=http://x.example;accesskey=" + ACCESS_KEY,
					"--spring.datasource.url=jdbc:h2:mem:malformed",
					"--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://login.example/keys",
					"--spring.security.oauth2.resourceserver.jwt.issuer-uri=https://login.example/",
					"--spring.security.oauth2.resourceserver.jwt.audiences=api://acs"))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("acs.connection-string"));
		assertThat(output.getAll()).doesNotContain(ACCESS_KEY);
	}

	@Test
	void startWhenRealAcsWithoutDatabaseThenFailsNamingDatasource() {
		assertThatException()
			.isThrownBy(() -> start("--acs.connection-string=endpoint=https://x.example/;accesskey=" + ACCESS_KEY))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("spring.datasource.url"));
	}

	@Test
	void startWhenRealAcsWithoutJwtIssuerThenFailsNamingIssuerProperty(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("--acs.connection-string=endpoint=https://x.example/;accesskey=" + ACCESS_KEY,
					"--spring.datasource.url=jdbc:h2:mem:nojwt"))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("jwt.issuer-uri"));
		assertThat(output.getAll()).doesNotContain(ACCESS_KEY);
	}

	@Test
	void startWhenAssignmentNamesAnUnconfiguredResourceThenFailsNamingIt(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("--acs.connection-string=endpoint=https://x.example/;accesskey=" + ACCESS_KEY,
					"--acs.resources.eu.connection-string=endpoint=https://eu.example/;accesskey=" + ACCESS_KEY,
					"--acs.assignment.claim=region", "--acs.assignment.resources.eu=eu",
					"--acs.assignment.resources.apac=apac", "--spring.datasource.url=jdbc:h2:mem:unassigned",
					"--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://login.example/keys",
					"--spring.security.oauth2.resourceserver.jwt.issuer-uri=https://login.example/",
					"--spring.security.oauth2.resourceserver.jwt.audiences=api://acs"))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("acs.assignment").contains("[apac]"));
		assertThat(output.getAll()).doesNotContain(ACCESS_KEY);
	}

	@Test
	void startWhenJwtWithoutAudienceThenFailsNamingIt() {
		assertThatException()
			.isThrownBy(() -> start("--acs.connection-string=endpoint=https://x.example/;accesskey=" + ACCESS_KEY,
					"--spring.datasource.url=jdbc:h2:mem:noaudience",
					"--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://login.example/keys",
					"--spring.security.oauth2.resourceserver.jwt.issuer-uri=https://login.example/"))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("jwt.audiences"));
	}

	@Test
	void startWhenProductionBelievesForwardedHeadersFromAnyoneThenFailsNamingTheSafeSettings() {
		assertThatException()
			.isThrownBy(() -> start("--acs.connection-string=endpoint=https://x.example/;accesskey=" + ACCESS_KEY,
					"--spring.datasource.url=jdbc:h2:mem:forwarded", "--server.forward-headers-strategy=framework"))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("server.forward-headers-strategy=native")
				.contains("server.tomcat.remoteip.internal-proxies"));
	}

	@Test
	void startWhenLocalModeOnAllInterfacesThenFailsNamingWhatToConfigure() {
		assertThatException()
			.isThrownBy(() -> start("--server.address=0.0.0.0", "--spring.datasource.url=jdbc:h2:mem:exposed",
					"--acs.emulator.data-dir=" + LocalModeTestProperties.temporaryDirectory("exposed-")))
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("ACS_CONNECTION_STRING")
				.contains("ACS_ENDPOINT")
				.contains("server.address"));
	}

	@Test
	void startWhenDatabaseUnreachableThenFailsFastNamingIt() {
		long started = System.nanoTime();

		assertThatException()
			.isThrownBy(() -> start("--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/acs",
					"--acs.emulator.data-dir=" + LocalModeTestProperties.temporaryDirectory("unreachable-db-")))
			.satisfies((ex) -> assertThat(rootMessage(ex)).containsIgnoringCase("connection"));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("fails fast, not after a long time-out")
			.isLessThan(Duration.ofSeconds(60));
	}

	private static void start(String... args) {
		String[] all = new String[args.length + 2];
		System.arraycopy(args, 0, all, 0, args.length);
		all[args.length] = "--server.port=0";
		all[args.length + 1] = "--spring.main.banner-mode=off";
		SpringApplication.run(AcsTokenServiceApplication.class, all).close();
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getMessage();
	}

}
