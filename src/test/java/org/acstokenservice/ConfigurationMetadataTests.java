package org.acstokenservice;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings as IDEs and operators see them (the metadata that the configuration
 * processor writes from the properties classes' Javadoc): one family of names, each with
 * a description, and every old name deprecated in favour of one that exists.
 */
class ConfigurationMetadataTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	@Test
	void propertiesWhenListedThenUnderAcsOrTokenServiceWithADescription() throws IOException {
		List<JsonNode> current = properties().stream().filter((property) -> !property.has("deprecation")).toList();

		assertThat(current).isNotEmpty()
			.allSatisfy((property) -> assertThat(property.get("name").asString()).matches("(acs|token-service)\\..+"))
			.allSatisfy((property) -> assertThat(property.has("description"))
				.as("%s has a description", property.get("name").asString())
				.isTrue());
	}

	@Test
	void oldNamesWhenListedThenDeprecatedForNamesThatExist() throws IOException {
		Set<String> current = properties().stream()
			.filter((property) -> !property.has("deprecation"))
			.map((property) -> property.get("name").asString())
			.collect(Collectors.toSet());
		Map<String, String> replacements = properties().stream()
			.filter((property) -> property.has("deprecation"))
			.collect(Collectors.toMap((property) -> property.get("name").asString(),
					(property) -> property.get("deprecation").get("replacement").asString()));

		assertThat(replacements).containsEntry("policy.rate-limit.capacity", "token-service.policy.rate-limit.capacity")
			.containsEntry("identity.deletion-retry-interval", "token-service.identity.deletion-retry-interval");
		assertThat(replacements.values()).allSatisfy((replacement) -> assertThat(current).contains(replacement));
		assertThat(replacements.keySet()).allSatisfy((old) -> assertThat(LegacyPropertyNames.OLD_NAMES)
			.anyMatch((name) -> name.toString().equals(old) || old.startsWith(name + ".")));
	}

	private static List<JsonNode> properties() throws IOException {
		JsonNode metadata = JsonMapper.builder().build().readTree(METADATA.toFile());
		return metadata.get("properties").valueStream().toList();
	}

}
