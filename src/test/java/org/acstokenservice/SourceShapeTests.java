package org.acstokenservice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the sources that a reader meets first: no main class grows past 350 lines
 * (split it along a seam instead), and no {@code //} comment leaves a lone word on a line
 * of its own, which is what the formatter makes of a {@code //} comment that passes its
 * width.
 */
class SourceShapeTests {

	private static final int MAX_LINES = 350;

	private static final Pattern COMMENT = Pattern.compile("^\\s*//.*$");

	private static final Pattern LONE_WORD = Pattern.compile("^\\s*// \\S+$");

	@Test
	void mainClassesWhenCountedThenAtMost350Lines() throws IOException {
		List<String> tooLong = new ArrayList<>();
		for (Path source : sources(Path.of("src/main/java"))) {
			int lines = Files.readAllLines(source).size();
			if (lines > MAX_LINES) {
				tooLong.add(source + ": " + lines + " lines");
			}
		}
		assertThat(tooLong).as("main classes over %d lines", MAX_LINES).isEmpty();
	}

	@Test
	void lineCommentsWhenWrappedThenNoLoneWord() throws IOException {
		List<String> fragments = new ArrayList<>();
		for (String folder : List.of("src/main/java", "src/test/java", "src/benchmark/java")) {
			for (Path source : sources(Path.of(folder))) {
				List<String> lines = Files.readAllLines(source);
				for (int i = 1; i < lines.size(); i++) {
					if (LONE_WORD.matcher(lines.get(i)).matches() && COMMENT.matcher(lines.get(i - 1)).matches()) {
						fragments.add(source + ":" + (i + 1) + ": " + lines.get(i).strip());
					}
				}
			}
		}
		assertThat(fragments).as("// comments whose last word the formatter wrapped onto a line of its own").isEmpty();
	}

	private static List<Path> sources(Path folder) throws IOException {
		try (Stream<Path> files = Files.walk(folder)) {
			return files.filter((file) -> file.toString().endsWith(".java")).sorted().toList();
		}
	}

}
