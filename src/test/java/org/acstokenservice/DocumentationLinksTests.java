package org.acstokenservice;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README is a front door: at most 200 lines, with every document of {@code docs/} one
 * link away (the dated results of {@code docs/benchmarks/} are linked from
 * {@code docs/benchmarks.md}). Every relative link of every Markdown file in the
 * repository leads to a file or directory that exists, and its {@code #anchor} to a
 * heading of the target, as GitHub names headings.
 */
class DocumentationLinksTests {

	static final Path README = Path.of("README.md");

	static final Path DOCS = Path.of("docs");

	static final Path BENCHMARK_RESULTS = DOCS.resolve("benchmarks");

	static final Path BENCHMARKS = DOCS.resolve("benchmarks.md");

	static final int README_MAX_LINES = 200;

	/**
	 * Build output, dependencies and Git's own files: no documentation of this project.
	 */
	private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", "node_modules", ".git");

	/**
	 * An inline link or image, {@code [text](target)} or {@code [text](target "title")}.
	 */
	private static final Pattern INLINE_LINK = Pattern
		.compile("\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

	/** A link reference definition, {@code [label]: target}. */
	private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");

	/** An ATX heading, with its optional closing sequence of {@code #}. */
	private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");

	private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");

	private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1", Pattern.DOTALL);

	/** {@code http:}, {@code https:}, {@code mailto:} and every other absolute URI. */
	private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

	@Test
	void linksWhenRelativeThenTargetExists() throws IOException {
		List<String> broken = new ArrayList<>();
		for (Path file : markdownFiles()) {
			for (String link : Markdown.read(file).links()) {
				Target target = Target.of(file, link);
				if (target != null && !target.sameDocument() && !Files.exists(target.path())) {
					broken.add(file + ": " + link + " (no " + target.path() + ")");
				}
			}
		}
		assertThat(broken).as("relative links whose target does not exist").isEmpty();
	}

	@Test
	void linksWhenAnchoredThenTargetHasThatHeading() throws IOException {
		Map<Path, Set<String>> anchorsByFile = new HashMap<>();
		List<String> broken = new ArrayList<>();
		for (Path file : markdownFiles()) {
			for (String link : Markdown.read(file).links()) {
				Target target = Target.of(file, link);
				if (target == null || target.sameDocument() || target.anchor() == null || !isMarkdown(target.path())
						|| !Files.isRegularFile(target.path())) {
					continue;
				}
				Set<String> anchors = anchorsByFile.computeIfAbsent(target.path(),
						(path) -> Markdown.read(path).anchors());
				if (!anchors.contains(target.anchor())) {
					broken.add(file + ": " + link + " (" + target.path() + " has no heading #" + target.anchor() + ")");
				}
			}
		}
		assertThat(broken).as("links to a heading that the target does not have").isEmpty();
	}

	@Test
	void linksWhenSameDocumentAnchorThenHeadingExists() throws IOException {
		List<String> broken = new ArrayList<>();
		for (Path file : markdownFiles()) {
			Markdown markdown = Markdown.read(file);
			for (String link : markdown.links()) {
				Target target = Target.of(file, link);
				if (target != null && target.sameDocument() && !markdown.anchors().contains(target.anchor())) {
					broken.add(file + ": " + link);
				}
			}
		}
		assertThat(broken).as("links to a heading of their own document that does not exist").isEmpty();
	}

	@Test
	void readmeWhenCountedThenAtMostTwoHundredLines() throws IOException {
		assertThat(Files.readAllLines(README)).as("README's lines: a front door, the rest in docs/")
			.hasSizeLessThanOrEqualTo(README_MAX_LINES);
	}

	@Test
	void readmeWhenReadThenLinksEveryDocumentInOneHop() throws IOException {
		Set<Path> fromReadme = linkedFiles(README);
		Set<Path> fromBenchmarks = linkedFiles(BENCHMARKS);
		List<String> unlinked = new ArrayList<>();
		for (Path document : filesUnder(DOCS)) {
			if (document.startsWith(BENCHMARK_RESULTS)) {
				if (!fromBenchmarks.contains(document)) {
					unlinked.add(document + " (not linked from " + BENCHMARKS + ")");
				}
			}
			else if (!fromReadme.contains(document)) {
				unlinked.add(document + " (not linked from " + README + ")");
			}
		}
		assertThat(filesUnder(DOCS)).as("documents under docs/").isNotEmpty();
		assertThat(unlinked).as("documents that README (or docs/benchmarks.md) does not link").isEmpty();
	}

	@Test
	void slugWhenHeadingHasPunctuationThenGitHubsAnchor() {
		assertThat(Markdown.slug("Cold start: the compiler's share of the CPU (issue 18)"))
			.isEqualTo("cold-start-the-compilers-share-of-the-cpu-issue-18");
		assertThat(Markdown.slug("`POST /token` and `tokens.reuse.*`")).isEqualTo("post-token-and-tokensreuse");
		assertThat(Markdown.slug("Other measurements (2026-12-03)")).isEqualTo("other-measurements-2026-12-03");
		assertThat(Markdown.slug("snake_case stays")).isEqualTo("snake_case-stays");
	}

	@Test
	void anchorsWhenHeadingsRepeatThenNumbered() {
		Markdown markdown = Markdown.parse(List.of("# Title", "## Settings", "text", "```bash",
				"# a comment, not a heading", "```", "## Settings", "## Settings ##"));

		assertThat(markdown.anchors()).containsExactly("title", "settings", "settings-1", "settings-2");
	}

	@Test
	void linksWhenTextRunsOverLinesThenFound() {
		Markdown markdown = Markdown.parse(List.of("- [2026-11-29: the container image and the",
				"  JVM flags](benchmarks/x.md)", "and `a code span", "over two lines [not](c.md)`."));

		assertThat(markdown.links()).containsExactly("benchmarks/x.md");
	}

	@Test
	void linksWhenInCodeThenIgnored() {
		Markdown markdown = Markdown.parse(List.of("See [the API](docs/http-api.md#errors) and `[not](a-link.md)`.",
				"```md", "[also not](b.md)", "```", "[ref]: docs/fleet.md"));

		assertThat(markdown.links()).containsExactly("docs/http-api.md#errors", "docs/fleet.md");
	}

	/** The files that a Markdown file links to, without anchors, relative to the root. */
	private static Set<Path> linkedFiles(Path file) {
		Set<Path> linked = new LinkedHashSet<>();
		for (String link : Markdown.read(file).links()) {
			Target target = Target.of(file, link);
			if (target != null && !target.sameDocument()) {
				linked.add(target.path());
			}
		}
		return linked;
	}

	/** Every Markdown file of the repository, outside build output and dependencies. */
	static List<Path> markdownFiles() throws IOException {
		return filesUnder(Path.of("")).stream().filter(DocumentationLinksTests::isMarkdown).toList();
	}

	private static List<Path> filesUnder(Path directory) throws IOException {
		List<Path> files = new ArrayList<>();
		Path start = directory.toString().isEmpty() ? Path.of(".") : directory;
		Files.walkFileTree(start, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
				Path name = dir.getFileName();
				return (name != null && SKIPPED_DIRECTORIES.contains(name.toString())) ? FileVisitResult.SKIP_SUBTREE
						: FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				files.add(file.normalize());
				return FileVisitResult.CONTINUE;
			}

		});
		return files;
	}

	private static boolean isMarkdown(Path path) {
		return path.getFileName() != null && path.getFileName().toString().endsWith(".md");
	}

	/**
	 * Where a relative link leads: a path relative to the repository's root, and the
	 * anchor if any.
	 */
	record Target(Path path, String anchor, boolean sameDocument) {

		/** The target of a link of the given file; {@code null} for an absolute URI. */
		static Target of(Path file, String link) {
			if (SCHEME.matcher(link).find()) {
				return null;
			}
			int hash = link.indexOf('#');
			String path = (hash >= 0) ? link.substring(0, hash) : link;
			String anchor = (hash >= 0) ? URLDecoder.decode(link.substring(hash + 1), StandardCharsets.UTF_8) : null;
			int query = path.indexOf('?');
			if (query >= 0) {
				path = path.substring(0, query);
			}
			if (path.isEmpty()) {
				return new Target(file, anchor, true);
			}
			Path base = (file.getParent() != null) ? file.getParent() : Path.of("");
			Path resolved = base.resolve(URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
			return new Target(resolved, anchor, false);
		}

	}

	/**
	 * The links and heading anchors of one Markdown file; fenced code blocks and code
	 * spans hold neither.
	 */
	record Markdown(List<String> links, Set<String> anchors) {

		static Markdown read(Path file) {
			try {
				return parse(Files.readAllLines(file));
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not read " + file, ex);
			}
		}

		static Markdown parse(List<String> lines) {
			List<String> links = new ArrayList<>();
			Set<String> anchors = new LinkedHashSet<>();
			Map<String, Integer> seen = new HashMap<>();
			List<String> paragraph = new ArrayList<>();
			boolean inFence = false;
			for (String line : lines) {
				if (FENCE.matcher(line).find()) {
					addLinks(paragraph, links);
					inFence = !inFence;
					continue;
				}
				if (inFence) {
					continue;
				}
				Matcher heading = HEADING.matcher(line);
				if (heading.matches()) {
					String slug = slug(heading.group(1));
					int earlier = seen.merge(slug, 1, Integer::sum) - 1;
					anchors.add((earlier == 0) ? slug : slug + "-" + earlier);
				}
				if (line.isBlank()) {
					addLinks(paragraph, links);
				}
				else {
					paragraph.add(line);
				}
			}
			addLinks(paragraph, links);
			return new Markdown(links, anchors);
		}

		/**
		 * Adds the links of a paragraph, whose link texts and code spans may run over
		 * several lines, and empties it.
		 */
		private static void addLinks(List<String> paragraph, List<String> links) {
			String text = CODE_SPAN.matcher(String.join("\n", paragraph)).replaceAll("``");
			for (String line : text.split("\n")) {
				Matcher definition = REFERENCE_DEFINITION.matcher(line);
				if (definition.find()) {
					links.add(definition.group(1));
				}
			}
			Matcher link = INLINE_LINK.matcher(text);
			while (link.find()) {
				links.add(link.group(1));
			}
			paragraph.clear();
		}

		/**
		 * GitHub's anchor of a heading: lower case, everything but letters, digits,
		 * spaces, hyphens and underscores left out, spaces made hyphens.
		 */
		static String slug(String heading) {
			return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
		}

	}

}
