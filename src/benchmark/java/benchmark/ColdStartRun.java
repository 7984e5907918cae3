package benchmark;

import java.util.List;

import benchmark.ReferenceScenario.ReferenceFigures;

/**
 * {@code --cold-start}: rows 1, 2, 9 (the peak) and 10 only, the service's warm-up curve
 * from a cold start, its peak memory and the reference, for trying what changes a warm-up
 * in a few minutes.
 */
final class ColdStartRun {

	private final Launcher launcher;

	private final Database database;

	private final ServiceScenarios services;

	private final ReferenceScenario reference;

	private final ReportHeader header;

	private final ServiceRows rows;

	ColdStartRun(Launcher launcher, Database database, ServiceScenarios services, ReferenceScenario reference,
			ReportHeader header, ServiceRows rows) {
		this.launcher = launcher;
		this.database = database;
		this.services = services;
		this.reference = reference;
		this.header = header;
		this.rows = rows;
	}

	/** Measures the rows and adds them, with the header, to the report. */
	void run(Tokens tokens) throws Exception {
		Progress.print("service, token reuse on, from a cold start");
		Server service = this.launcher.startService("service-reuse", this.database.create("bench_reuse"), List.of());
		service.awaitReady();
		List<LoadResult> curve = this.services.warmupCurve(service.url("/token"), tokens.users());
		int bodySize = service.tokenBodySize(tokens.firstUser());
		long peakKib = service.process().peakResidentKib();
		service.stop();
		ReferenceFigures reference = this.reference.measure(tokens, bodySize, false);
		this.header.add(bodySize);
		this.rows.addColdStart(curve, reference.load(), peakKib);
	}

}
