package org.acstokenservice.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ExampleSitePropertiesTests {

	@Test
	void locationWhenDirectoryExistsOrNotThenOneTrailingSlash(@TempDir Path temporary) throws IOException {
		Path built = Files.createDirectories(temporary.resolve("dist"));

		assertThat(new ExampleSiteProperties(built).location()).isEqualTo(built.toUri().toString()).endsWith("/dist/");
		assertThat(new ExampleSiteProperties(temporary.resolve("missing")).location()).endsWith("/missing/")
			.doesNotEndWith("//");
	}

	@Test
	void locationWhenRelativeThenFromTheWorkingDirectory() {
		assertThat(new ExampleSiteProperties(Path.of("examples/web/dist")).location()).startsWith("file:/")
			.endsWith("/examples/web/dist/")
			.contains(Path.of("").toAbsolutePath().toUri().toString());
	}

}
