package benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import benchmark.SoakRun.Figures;
import benchmark.SoakRun.Sample;

/**
 * The soak's table, one line per sample, and a verdict per figure: flat after the warm-up
 * or not.
 * <p>
 * The samples from the end of the warm-up on are cut in two halves, A and B, which share
 * the middle sample. A level (resident memory, connections, a queue's length, a map's
 * size) is flat when its highest value in B is at most 10 % above its highest in A (plus
 * 2 for counts, whose small values move by a few): a figure that keeps growing shows it
 * in B, one that moves up and down with the load does not. A table is flat when it grew
 * over B by at most 2 % of its size and 64 kB (pages that PostgreSQL takes ahead); when
 * it grew more, it grows with its rows when its bytes per row at B's end are at most 10 %
 * above those at A's end (its rows are the new users' and the new periods', given beside
 * it), and grows otherwise: dead versions or index pages that are not reused. A verdict
 * is a finding, not a failure of the run.
 */
final class SoakTable {

	private static final double LEVEL_MARGIN = 1.10;

	private static final double COUNT_SLACK = 2;

	private static final double TABLE_SLACK_BYTES = 65536;

	private static final double TABLE_SLACK_SHARE = 0.02;

	private final Report report;

	private final List<String> flat = new ArrayList<>();

	private final List<String> withRows = new ArrayList<>();

	private final List<String> grows = new ArrayList<>();

	private int row = 2;

	SoakTable(Report report) {
		this.report = report;
	}

	void add(Figures soak, Settings settings) {
		List<Sample> samples = soak.samples();
		if (samples.size() < 3) {
			this.report.problem("the soak took fewer than 3 samples");
			return;
		}
		int every = settings.soakSample();
		List<Sample> after = samples.stream().filter((sample) -> sample.second() >= settings.soakWarmup()).toList();
		if (after.size() < 3) {
			after = samples.subList(samples.size() / 2, samples.size());
		}
		int middle = (after.size() - 1) / 2;
		List<Sample> a = after.subList(0, middle + 1);
		List<Sample> b = after.subList(middle, after.size());
		Sample first = samples.get(0);
		List<String> tables = new ArrayList<>(first.tables().keySet());
		List<String> gauges = new ArrayList<>(first.gauges().keySet());
		addSamples(samples, tables, gauges, every);
		this.report.load("S1", "soak: reuse hits, paced", soak.reuse(), "", String.format(Locale.ROOT,
				"%d connections, %d ms between an answer and the next request, over the users; a sample every %d s "
						+ "(the lines above); warm-up %d s; A: %s–%s, B: %s–%s",
				soak.connections(), soak.delayMillis(), every, after.get(0).second(), time(a.get(0)),
				time(a.get(a.size() - 1)), time(b.get(0)), time(b.get(b.size() - 1))));
		this.report.load("S2", "soak: new users, one connection", soak.newUsers(), "",
				String.format(Locale.ROOT, "%d identities at the end, %.0f ACS calls in all",
						samples.get(samples.size() - 1).identities(), samples.get(samples.size() - 1).acsCalls()));
		level("resident memory (VmRSS, KiB)", a, b, Sample::residentKib, 0);
		level("database connections (pg_stat_activity)", a, b, Sample::connections, COUNT_SLACK);
		for (String gauge : gauges) {
			level(gauge, a, b, (sample) -> sample.gauges().getOrDefault(gauge, 0.0),
					gauge.endsWith("_bytes") ? 0 : COUNT_SLACK);
		}
		for (String table : tables) {
			table(table, a, b);
		}
		this.report.header("");
		this.report.header(String.format(Locale.ROOT,
				"Soak verdict after the first %d s: flat: %s; grows with its rows: " + "%s; GROWS: %s",
				after.get(0).second(), names(this.flat), names(this.withRows), names(this.grows)));
	}

	private void addSamples(List<Sample> samples, List<String> tables, List<String> gauges, int every) {
		StringBuilder head = new StringBuilder("| s | VmRSS MiB | DB connections | identities | req/s | ACS calls |");
		tables.forEach((table) -> head.append(' ').append(table).append(" MB / rows |"));
		gauges.forEach((gauge) -> head.append(' ').append(gauge).append(" |"));
		this.report.header("");
		this.report.header(head.toString());
		this.report.header(head.toString().replaceAll("[^|]+", "---"));
		Sample previous = null;
		for (Sample sample : samples) {
			double answers = sample.answers() - ((previous != null) ? previous.answers() : 0);
			double calls = sample.acsCalls() - ((previous != null) ? previous.acsCalls() : 0);
			StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %d | %d | %d | %.0f | %.0f |",
					sample.second(), sample.residentKib() / 1024, sample.connections(), sample.identities(),
					answers / every, calls));
			tables.forEach((table) -> line.append(String.format(Locale.ROOT, " %.2f / %d |",
					sample.tables().getOrDefault(table, 0L) / 1e6, sample.rows().getOrDefault(table, 0L))));
			gauges.forEach((gauge) -> line.append(' ')
				.append(gauge(gauge, sample.gauges().getOrDefault(gauge, 0.0)))
				.append(" |"));
			this.report.header(line.toString());
			previous = sample;
		}
	}

	private void level(String what, List<Sample> a, List<Sample> b, ToDoubleFunction<Sample> value, double slack) {
		double highestA = a.stream().mapToDouble(value).max().orElse(0);
		double highestB = b.stream().mapToDouble(value).max().orElse(0);
		boolean isFlat = highestB <= highestA * LEVEL_MARGIN + slack;
		(isFlat ? this.flat : this.grows).add(what);
		this.report.value(nextRow(), what, isFlat ? "flat" : "GROWS",
				String.format(Locale.ROOT, "highest in A %.0f, in B %.0f (%s); last %.0f", highestA, highestB,
						(highestA > 0) ? Report.ratio(highestB / highestA) : "n/a",
						value.applyAsDouble(b.get(b.size() - 1))));
	}

	private void table(String table, List<Sample> a, List<Sample> b) {
		Sample startA = a.get(0);
		Sample endA = a.get(a.size() - 1);
		Sample endB = b.get(b.size() - 1);
		double sizeA = endA.tables().getOrDefault(table, 0L);
		double sizeB = endB.tables().getOrDefault(table, 0L);
		long rowsA = endA.rows().getOrDefault(table, 0L);
		long rowsB = endB.rows().getOrDefault(table, 0L);
		double grownB = sizeB - sizeA;
		double allowance = TABLE_SLACK_SHARE * sizeA + TABLE_SLACK_BYTES;
		String verdict;
		if (grownB <= allowance) {
			verdict = "flat";
			this.flat.add(table);
		}
		else if (rowsA > 0 && rowsB > rowsA && sizeB / rowsB <= LEVEL_MARGIN * sizeA / rowsA + allowance / rowsB) {
			verdict = "grows with its rows";
			this.withRows.add(table);
		}
		else {
			verdict = "GROWS";
			this.grows.add(table);
		}
		this.report.value(nextRow(), table + " (bytes with indexes)", verdict, String.format(Locale.ROOT,
				"A: %.0f kB to %.0f kB, %d to %d rows; B: to %.0f kB (+%.0f kB, allowance %.0f kB), %d rows (+%d); "
						+ "bytes a row %.0f at A's end, %.0f at B's; new identities in B: %d",
				startA.tables().getOrDefault(table, 0L) / 1024.0, sizeA / 1024, startA.rows().getOrDefault(table, 0L),
				rowsA, sizeB / 1024, grownB / 1024, allowance / 1024, rowsB, rowsB - rowsA,
				(rowsA > 0) ? sizeA / rowsA : 0, (rowsB > 0) ? sizeB / rowsB : 0,
				endB.identities() - endA.identities()));
	}

	private String nextRow() {
		this.row++;
		return "S" + this.row;
	}

	private static String time(Sample sample) {
		return sample.second() + " s";
	}

	private static String gauge(String name, double value) {
		return name.endsWith("_bytes") ? String.format(Locale.ROOT, "%.1f MB", value / 1e6)
				: String.format(Locale.ROOT, "%.0f", value);
	}

	private static String names(List<String> names) {
		return names.isEmpty() ? "none" : String.join(", ", names);
	}

}
