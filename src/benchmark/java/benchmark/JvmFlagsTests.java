package benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark runs the JVMs with the image's flags: a flag changed in the Dockerfile
 * and not here would measure a service that nobody runs.
 */
class JvmFlagsTests {

	private static final Pattern JAVA_TOOL_OPTIONS = Pattern.compile("^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"",
			Pattern.MULTILINE);

	@Test
	void jvmFlagsWhenComparedWithTheImageThenTheSameButTheHeapGivenInMegabytes() throws IOException {
		Matcher options = JAVA_TOOL_OPTIONS.matcher(Files.readString(Path.of("Dockerfile")));
		assertThat(options.find()).as("ENV JAVA_TOOL_OPTIONS=\"…\" in the Dockerfile").isTrue();
		List<String> imageFlags = Stream.of(options.group(1).replace("\\\n", " ").split("\\s+"))
			.filter((flag) -> !flag.isEmpty())
			.map((flag) -> flag.equals("-XX:MaxRAMPercentage=75") ? "-Xmx576m" : flag)
			.toList();
		assertThat(Launcher.JVM_FLAGS).containsExactlyInAnyOrderElementsOf(imageFlags);
	}

}
