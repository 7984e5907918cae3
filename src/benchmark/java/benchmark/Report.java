package benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one table the benchmark prints, in Markdown so that it can be pasted into
 * {@code docs/benchmarks.md}: a row per measurement, load rows with their throughput,
 * median and 99th percentile latency and their ratio to the reference of the same run.
 */
final class Report {

	private final List<String> header = new ArrayList<>();

	private final List<Row> rows = new ArrayList<>();

	private final List<String> problems = new ArrayList<>();

	private final List<String> explanations = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private LoadResult reference;

	void header(String line) {
		this.header.add(line);
	}

	void reference(LoadResult reference) {
		this.reference = reference;
	}

	/** A load row; its ratio to the reference is worked out when the table is printed. */
	void load(String number, String what, LoadResult load, String notes) {
		this.rows.add(new Row(number, what, load, null, notes));
	}

	/**
	 * A load row compared with another row of the run rather than with the reference
	 * steady (the flood rows, each against the reference under the same flood).
	 */
	void load(String number, String what, LoadResult load, String versus, String notes) {
		this.rows.add(new Row(number, what, load, versus, notes));
	}

	/** A row whose value is not a load figure (ACS calls, start-up time, memory). */
	void value(String number, String what, String versusReference, String notes) {
		this.rows.add(new Row(number, what, null, versusReference, notes));
	}

	void problem(String problem) {
		this.problems.add(problem);
	}

	/** Something about the run that is not a problem: printed, but the run passes. */
	void note(String note) {
		this.notes.add(note);
	}

	/** Lines that explain the problems (what the services logged), printed after them. */
	void explain(List<String> lines) {
		this.explanations.addAll(lines);
	}

	List<String> problems() {
		return this.problems;
	}

	String render() {
		StringBuilder out = new StringBuilder();
		this.header.forEach((line) -> out.append(line).append('\n'));
		out.append('\n');
		out.append("| # | row | req/s | p50 | p99 | vs reference | notes |\n");
		out.append("|---|---|---:|---:|---:|---|---|\n");
		for (Row row : this.rows) {
			LoadResult load = row.load();
			List<String> cells = (load != null) ? List.of(row.number(), row.what(),
					requestsPerSecond(load.requestsPerSecond()), millis(load.p50Millis()), millis(load.p99Millis()),
					(row.versusReference() != null) ? row.versusReference() : versusReference(load), row.notes())
					: List.of(row.number(), row.what(), "", "", "", row.versusReference(), row.notes());
			out.append("| ").append(String.join(" | ", cells)).append(" |\n");
		}
		if (!this.notes.isEmpty()) {
			out.append("\nNotes:\n");
			this.notes.forEach((note) -> out.append("- ").append(note).append('\n'));
		}
		if (!this.problems.isEmpty()) {
			out.append("\nProblems:\n");
			this.problems.forEach((problem) -> out.append("- ").append(problem).append('\n'));
			if (!this.explanations.isEmpty()) {
				out.append("\nWARN and ERROR lines of the services' logs, by kind:\n");
				this.explanations.forEach((line) -> out.append("- ").append(line).append('\n'));
			}
		}
		return out.toString();
	}

	private String versusReference(LoadResult load) {
		if (this.reference == null) {
			return "(no reference)";
		}
		return ratio(load.requestsPerSecond() / this.reference.requestsPerSecond()) + " req/s, "
				+ ratio(load.p50Millis() / this.reference.p50Millis()) + " p50";
	}

	static String ratio(double ratio) {
		return String.format(Locale.ROOT, (ratio < 10) ? "%.2f×" : "%.0f×", ratio);
	}

	static String requestsPerSecond(double value) {
		return String.format(Locale.ROOT, (value < 100) ? "%.1f" : "%.0f", value);
	}

	/** Three significant digits: 0.412 ms, 5.12 ms, 51.2 ms, 512 ms. */
	static String millis(double value) {
		if (Double.isNaN(value)) {
			return "n/a";
		}
		String format = (value < 1) ? "%.3f ms" : (value < 10) ? "%.2f ms" : (value < 100) ? "%.1f ms" : "%.0f ms";
		return String.format(Locale.ROOT, format, value);
	}

	private record Row(String number, String what, LoadResult load, String versusReference, String notes) {
	}

}
