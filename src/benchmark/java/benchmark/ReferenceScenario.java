package benchmark;

import java.nio.file.Path;
import java.time.Duration;

import benchmark.FloodScenario.FloodFigures;

/**
 * The reference endpoint's rows: row 1, the reference's 8 and 9 and, in the full run, its
 * flood (rows 17 and 18); its steady load is what the other load rows are compared with.
 */
final class ReferenceScenario {

	private final Settings settings;

	private final Launcher launcher;

	private final Wrk wrk;

	private final Checks checks;

	private final FloodScenario flood;

	private final Report report;

	ReferenceScenario(Settings settings, Launcher launcher, Wrk wrk, Checks checks, FloodScenario flood,
			Report report) {
		this.settings = settings;
		this.launcher = launcher;
		this.wrk = wrk;
		this.checks = checks;
		this.flood = flood;
		this.report = report;
	}

	/**
	 * Row 1, the reference's 8 and 9, then, with {@code flood}, its flood (rows 17 and
	 * 18).
	 * @param bodySize the size of the service's token answer, which the reference answers
	 * too
	 */
	ReferenceFigures measure(Tokens tokens, int bodySize, boolean flood) throws Exception {
		Progress.print("reference endpoint");
		Path users = tokens.users();
		Server reference = this.launcher.startReference(bodySize);
		Duration startup = reference.awaitReady();
		String url = reference.url("/token");
		int referenceBodySize = reference.tokenBodySize(tokens.firstUser());
		if (referenceBodySize != bodySize) {
			this.report.problem("the reference answers " + referenceBodySize + " bytes, the service " + bodySize);
		}
		this.checks.warmup("reference warm-up", this.wrk.run("reference-warmup", url, users, this.settings.warmup()));
		LoadResult load = this.checks.measured("reference",
				this.wrk.run("reference", url, users, this.settings.measure()));
		long residentKib = reference.process().residentKib();
		FloodFigures floodFigures = flood ? this.flood.flood("reference", reference, tokens.floodUsers()) : null;
		reference.stop();
		this.report.reference(load);
		return new ReferenceFigures(startup, load, residentKib, floodFigures);
	}

	/**
	 * What the reference gave.
	 *
	 * @param startup from its process's start to ready
	 * @param load row 1
	 * @param residentKib its resident memory after row 1
	 * @param flood rows 17 and 18; null when not run
	 */
	record ReferenceFigures(Duration startup, LoadResult load, long residentKib, FloodFigures flood) {
	}

}
