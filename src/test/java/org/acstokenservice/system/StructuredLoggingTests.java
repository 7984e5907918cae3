package org.acstokenservice.system;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.acstokenservice.AcsTokenServiceApplication;
import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Boot's structured logging on, audit events are JSON lines whose fields can be
 * queried.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLoggingTests {

	@Test
	void auditEventWhenEcsLoggingThenJsonLineWithItsFields(CapturedOutput output) {
		try (ConfigurableApplicationContext service = new SpringApplicationBuilder(AcsTokenServiceApplication.class)
			.run("--server.port=0", "--logging.structured.format.console=ecs",
					"--spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
					"--acs.emulator.data-dir=" + LocalModeTestProperties.temporaryDirectory("structured-"))) {
			ServiceClient client = new ServiceClient(((WebServerApplicationContext) service).getWebServer().getPort());
			assertThat(client.post("/token", "alice", null).statusCode()).isEqualTo(200);
		}

		JsonMapper json = JsonMapper.builder().build();
		List<JsonNode> audit = Arrays.stream(output.getOut().split("\n"))
			.filter((line) -> line.startsWith("{") && line.contains("TOKEN_ISSUE"))
			.map(json::readTree)
			.toList();
		assertThat(audit).isNotEmpty();
		JsonNode event = audit.get(0).path("audit");
		assertThat(event.path("action").asString()).isEqualTo("TOKEN_ISSUE");
		assertThat(event.path("outcome").asString()).isEqualTo("SUCCESS");
		assertThat(event.path("subject").asString()).isEqualTo("alice");
		assertThat(event.path("communicationUserId").asString()).startsWith("8:acs:");
		assertThat(audit.get(0).path("log").path("logger").asString()).isEqualTo("audit");
	}

}
