package benchmark;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import benchmark.ReferenceScenario.ReferenceFigures;
import benchmark.ServiceScenarios.ServiceFigures;

/**
 * Rows 1 to 10 of the table, one service process against the reference and the direct SDK
 * call, and the rows of {@code --cold-start}.
 */
final class ServiceRows {

	private final Settings settings;

	private final Report report;

	ServiceRows(Settings settings, Report report) {
		this.settings = settings;
		this.report = report;
	}

	/** Rows 1 to 10 of the full run. */
	void add(ServiceFigures service, ReferenceFigures reference, LoadResult fresh, LoadResult sdk) {
		Settings s = this.settings;
		String measured = s.measure() + " s measured";
		String acsLatency = "; ACS +" + s.latencyMillis() + " ms";
		this.report.load("1", "reference, steady", reference.load(), s.warmup() + " s warm-up, " + measured);
		addColdStartRow(service.curve());
		this.report.load("3", "reuse hit, steady", service.steady(), s.steadyAfter() + " s warm-up, " + measured);
		this.report.load("4", "fresh token (reuse off)", fresh, s.warmup() + " s warm-up, " + measured + acsLatency);
		/*
		 * Far above the added latency without the service in between, the SDK's calls
		 * queue at the emulator: then rows 4 to 6 measure the emulator's capacity.
		 */
		String saturated = (sdk.p50Millis() > 1.5 * s.latencyMillis())
				? "; the emulator is saturated at this concurrency, so this understates the service's cost" : "";
		this.report.load("5", "direct SDK getToken, no service", sdk,
				s.warmup() + " s warm-up, " + measured + acsLatency + "; service's p50 (row 4) minus this: "
						+ signedMillis(fresh.p50Millis() - sdk.p50Millis()) + saturated);
		this.report.load("6", "new users (identity created)", service.newUsers(),
				"after row 3 and " + s.newUsersWarmup() + " s of new users, " + measured + acsLatency);
		this.report.value("7", "page reloads: ACS calls per /token", "",
				String.format(Locale.ROOT, "%.4f (%.0f ACS calls / %.0f answers, the curve and row 3)",
						service.acsCalls() / service.tokenAnswers(), service.acsCalls(), service.tokenAnswers()));
		if (!(service.acsCalls() > 0 && service.tokenAnswers() > 0)) {
			this.report.problem("no ACS calls or no /token answers counted on /actuator/prometheus");
		}
		this.report.value("8", "start-up to ready: service",
				Report.ratio(seconds(service.startup()) / seconds(reference.startup())) + " time",
				String.format(Locale.ROOT, "%.1f s", seconds(service.startup())));
		this.report.value("8", "start-up to ready: reference", "1.00× time",
				String.format(Locale.ROOT, "%.1f s", seconds(reference.startup())));
		this.report.value("9", "resident memory after load: service",
				Report.ratio((double) service.residentKib() / reference.residentKib()) + " RSS",
				mebibytes(service.residentKib()) + " after rows 2, 3, 6 (peak " + mebibytes(service.peakResidentKib())
						+ "); reference " + mebibytes(reference.residentKib()) + " after row 1");
		addCurveRow(service.curve(), reference.load());
	}

	/** {@code --cold-start}'s rows. */
	void addColdStart(List<LoadResult> curve, LoadResult reference, long peakKib) {
		Settings s = this.settings;
		this.report.load("1", "reference, steady", reference,
				s.warmup() + " s warm-up, " + s.measure() + " s measured");
		addColdStartRow(curve);
		this.report.value("9", "peak resident memory: service", "",
				mebibytes(peakKib) + " during the warm-up curve (VmHWM)");
		addCurveRow(curve, reference);
	}

	private void addColdStartRow(List<LoadResult> curve) {
		Settings s = this.settings;
		int coldFrom = (s.coldSlice() - 1) * s.slice();
		this.report.load("2", "reuse hit, " + coldFrom + "–" + (coldFrom + s.slice()) + " s after a cold start",
				curve.get(s.coldSlice() - 1), "the warm-up curve's slice " + s.coldSlice());
	}

	private void addCurveRow(List<LoadResult> curve, LoadResult reference) {
		LoadResult lastSlice = curve.get(curve.size() - 1);
		this.report.value("10", "warm-up curve: req/s per " + this.settings.slice() + " s from a cold start",
				"last slice " + Report.ratio(lastSlice.requestsPerSecond() / reference.requestsPerSecond()) + " req/s",
				curve.stream()
					.map((slice) -> Report.requestsPerSecond(slice.requestsPerSecond()))
					.collect(Collectors.joining(", ")));
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

	private static String mebibytes(long kib) {
		return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
	}

	private static String signedMillis(double millis) {
		return ((millis >= 0) ? "+" : "−") + Report.millis(Math.abs(millis));
	}

}
