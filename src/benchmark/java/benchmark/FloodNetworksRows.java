package benchmark;

import java.util.Locale;
import java.util.stream.Collectors;

import benchmark.FloodNetworksRun.Figures;

/**
 * Rows 24 and 25 of {@code --flood-networks}: the flood of forged tokens from rotating
 * /64s and the new users' first tokens beside it. There is no reference: the targets are
 * issue 28's, only 4xx to the flood and every first token a 200 within 2 s.
 */
final class FloodNetworksRows {

	private final Settings settings;

	private final Report report;

	FloodNetworksRows(Settings settings, Report report) {
		this.settings = settings;
		this.report = report;
	}

	void add(Figures figures) {
		Settings s = this.settings;
		LoadResult flood = figures.measured().forged();
		LoadResult users = figures.measured().users();
		this.report.load("24", "flood of forged tokens from rotating /64s behind a trusted proxy: service", flood,
				"no reference; target: 4xx only",
				String.format(Locale.ROOT,
						"every limit at its defaults (the failed sign-in limit: 10 failures a minute per address, an "
								+ "IPv6 address by its /64); %d connections (wrk, %d threads), each request one of %d "
								+ "forged tokens (RS256, signed by a key the issuer never published) from the next /64 "
								+ "of 2001:db8:ab::/48 in X-Forwarded-For (%,d /64s in turn, each %.1f times in this "
								+ "flood) for %d s, after %d s of the same; %s; %s refusals/s; the issuer's key set "
								+ "fetched %d times meanwhile; %d addresses in the shared buckets (PostgreSQL) after it",
						s.floodConnections(), s.threads(), FloodNetworksRun.FORGED_TOKENS, FloodNetworksRun.NETWORKS,
						(double) flood.requests() / FloodNetworksRun.NETWORKS, s.flood(), s.floodWarmup(),
						FloodRows.floodStatuses(flood), Report.requestsPerSecond(FloodRows.refusalsPerSecond(flood)),
						figures.keySetFetches(), figures.sharedKeys()));
		this.report.load("25", "new users' first tokens during the flood: service", users,
				"slowest " + Report.millis(users.maxMillis()) + " (target: every one 200 within "
						+ FloodNetworksRun.FIRST_TOKEN_BOUND.toSeconds() + " s)",
				String.format(Locale.ROOT,
						"one new user (no identity yet) after another on one connection (the benchmark's own "
								+ "client, which waits for the last answer), %d ms between an answer and the next "
								+ "request, from %s through the same proxy, at the same time as row 24; %s; warm-up "
								+ "(%d s, with its flood): %s",
						s.newUserDelayMillis(), FloodNetworksRun.NEW_USERS_ADDRESS, firstTokens(users), s.floodWarmup(),
						figures.warmup()
							.map((warmup) -> "p50 " + Report.millis(warmup.users().p50Millis()) + ", "
									+ firstTokens(warmup.users()) + "; its flood: "
									+ FloodRows.floodStatuses(warmup.forged()))
							.orElse("none")));
	}

	/**
	 * New users' first tokens: "80 first tokens, 80 × 200, slowest 412 ms, non-2xx: none,
	 * socket errors: 0".
	 */
	static String firstTokens(LoadResult users) {
		String others = users.statuses()
			.entrySet()
			.stream()
			.filter((status) -> status.getKey() != 200)
			.map((status) -> status.getValue() + " × " + status.getKey())
			.collect(Collectors.joining(", "));
		return String.format(Locale.ROOT, "%d first tokens, %d × 200, slowest %s, non-200: %s, socket errors: %d",
				users.requests(), users.answers(200, 200), Report.millis(users.maxMillis()),
				others.isEmpty() ? "none" : others, users.socketErrors());
	}

}
