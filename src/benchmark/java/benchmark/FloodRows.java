package benchmark;

import java.util.Locale;

import benchmark.FloodScenario.FloodFigures;

/**
 * Rows 15 to 18 of the table: the floods of forged tokens and the signed-in users beside
 * them, the service's against the reference's.
 */
final class FloodRows {

	private final Settings settings;

	private final Report report;

	FloodRows(Settings settings, Report report) {
		this.settings = settings;
		this.report = report;
	}

	/**
	 * Rows 15 to 18: the service's flood and its signed-in users, each against the
	 * reference's under the same flood.
	 */
	void add(FloodFigures service, FloodFigures reference) {
		Settings s = this.settings;
		String flood = String.format(Locale.ROOT,
				"%d connections (wrk, %d threads) sending one forged token (RS256, signed by a key the issuer never "
						+ "published) from 127.0.0.1 for %d s, after %d s of the same",
				s.floodConnections(), s.threads(), s.flood(), s.floodWarmup());
		String users = String.format(Locale.ROOT,
				"%d signed-in users behind the same address, one user's token per connection (wrk, %d threads), "
						+ "%d ms between an answer and the next request, during the flood",
				s.floodUsers(), s.floodUsers(), s.floodDelayMillis());
		double refusals = refusalsPerSecond(service.forged());
		double referenceRefusals = refusalsPerSecond(reference.forged());
		this.report.load("15", "flood of forged tokens, one address: service", service.forged(),
				Report.ratio(refusals / referenceRefusals) + " refusals/s (target ≥ 0.80×)",
				String.format(Locale.ROOT,
						"every limit on (the failed sign-in limit at its defaults); %s; %s; %s refusals/s against the "
								+ "reference's %s 401/s (row 17); %s",
						flood, floodStatuses(service.forged()), Report.requestsPerSecond(refusals),
						Report.requestsPerSecond(referenceRefusals), keySetFetches(service)));
		this.report.load("16", "signed-in users during the flood: service", service.users(),
				Report.ratio(service.users().p50Millis() / reference.users().p50Millis()) + " p50, "
						+ Report.ratio(service.users().p99Millis() / reference.users().p99Millis())
						+ " p99 (target ≤ 1.25×)",
				String.format(Locale.ROOT, "every limit on; %s; %d answers, %s; against the reference's (row 18)",
						users, service.users().requests(), usersStatuses(service.users())));
		this.report.load("17", "flood of forged tokens, one address: reference", reference.forged(), "1.00× refusals/s",
				String.format(Locale.ROOT, "%s; %s; %s", flood, floodStatuses(reference.forged()),
						keySetFetches(reference)));
		this.report.load("18", "signed-in users during the flood: reference", reference.users(), "1.00× p50, 1.00× p99",
				String.format(Locale.ROOT, "%s; %d answers, %s", users, reference.users().requests(),
						usersStatuses(reference.users())));
	}

	/** How often the flooded server fetched the issuer's key set during the flood. */
	private static String keySetFetches(FloodFigures flood) {
		return String.format(Locale.ROOT, "the issuer's key set fetched %d times meanwhile (%.2f per answer)",
				flood.keySetFetches(), (double) flood.keySetFetches() / Math.max(1, flood.forged().requests()));
	}

	/** The flood's refusals, 4xx answers, per second. */
	static double refusalsPerSecond(LoadResult flood) {
		return flood.answers(400, 499) / flood.seconds();
	}

	/**
	 * A flood's answers by status: "401: 3, 429: 15230, 5xx: 0, other: 0, socket errors:
	 * 0".
	 */
	static String floodStatuses(LoadResult flood) {
		long counted = flood.statuses().values().stream().mapToLong(Long::longValue).sum();
		long other = counted - flood.answers(401, 401) - flood.answers(429, 429) - flood.answers(500, 599);
		return String.format(Locale.ROOT, "401: %d, 429: %d, 5xx: %d, other: %d%s, socket errors: %d",
				flood.answers(401, 401), flood.answers(429, 429), flood.answers(500, 599), other,
				(other > 0) ? " " + flood.statuses() : "", flood.socketErrors());
	}

	/** Signed-in users' answers: "2xx: 5980, non-2xx: 0, socket errors: 0". */
	static String usersStatuses(LoadResult users) {
		long counted = users.statuses().values().stream().mapToLong(Long::longValue).sum();
		long others = counted - users.answers(200, 299);
		return String.format(Locale.ROOT, "2xx: %d, non-2xx: %d%s, socket errors: %d", users.answers(200, 299), others,
				(others > 0) ? " " + users.statuses() : "", users.socketErrors());
	}

}
