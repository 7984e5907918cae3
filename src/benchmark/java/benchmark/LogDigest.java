package benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the services logged as WARN or ERROR, by kind, for a run that has problems: a CI
 * run keeps only the printed table, and a count of non-2xx answers says nothing of why.
 * Each kind is a level, a logger and its message with numbers and ids made {@code #}; the
 * logs were checked for the run's secrets first.
 */
final class LogDigest {

	/** Kinds shown per log, the most frequent first. */
	private static final int KINDS = 6;

	private static final Pattern LINE = Pattern
		.compile("^\\S+\\s+(WARN|ERROR)\\s+\\d+ --- \\[[^]]*] \\[[^]]*] \\[[^]]*] (\\S+)\\s*: (.*)$");

	private static final Pattern VARIABLE = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\\d+");

	private LogDigest() {
	}

	/** The most frequent kinds of each service log in {@code work}, one line each. */
	static List<String> of(Path work) throws IOException {
		List<String> lines = new ArrayList<>();
		try (Stream<Path> files = Files.list(work)) {
			for (Path log : files.filter((file) -> file.getFileName().toString().matches("service.*\\.log"))
				.sorted()
				.toList()) {
				Map<String, Integer> kinds = new LinkedHashMap<>();
				try (Stream<String> text = Files.lines(log)) {
					text.forEach((line) -> {
						Matcher matcher = LINE.matcher(line);
						if (matcher.matches()) {
							String message = VARIABLE.matcher(matcher.group(3)).replaceAll("#");
							String kind = matcher.group(1) + " " + matcher.group(2) + ": "
									+ message.substring(0, Math.min(140, message.length()));
							kinds.merge(kind, 1, Integer::sum);
						}
					});
				}
				kinds.entrySet()
					.stream()
					.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
					.limit(KINDS)
					.forEach((kind) -> lines.add(log.getFileName() + ": " + kind.getValue() + " × " + kind.getKey()));
			}
		}
		return lines;
	}

}
