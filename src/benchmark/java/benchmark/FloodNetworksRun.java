package benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code --flood-networks}: rows 24 and 25, the flood of issue 28. One service process as
 * shipped (production mode, PostgreSQL, every limit at its defaults; the emulator keeps
 * ACS's limits) behind a proxy on loopback that it trusts
 * ({@link Launcher#TRUSTED_PROXY}). wrk floods it with forged tokens, each request from
 * the next IPv6 /64 of one /48 ({@code scripts/benchmark/flood-networks.lua}: 65,536 keys
 * of the failed sign-in limit), while new users, who have no identity yet, ask for their
 * first token one after another from an address of their own through the same proxy. The
 * flood must get only 4xx, and every new user a 200 within {@link #FIRST_TOKEN_BOUND}.
 */
final class FloodNetworksRun {

	/** Issue 28: a new user's first token within 2 s, whatever the flood. */
	static final Duration FIRST_TOKEN_BOUND = Duration.ofSeconds(2);

	/** The new users' address as the proxy names it (TEST-NET-1, as SignInFloodTests). */
	static final String NEW_USERS_ADDRESS = "192.0.2.80";

	/** The /64s that the flood goes round: one /48, 2001:db8:ab::/48. */
	static final int NETWORKS = 65_536;

	/** The flood's forged tokens, each request the next. */
	static final int FORGED_TOKENS = 200;

	private static final String DATABASE = "bench_networks";

	private final Settings settings;

	private final Launcher launcher;

	private final Database database;

	private final Wrk wrk;

	private final Checks checks;

	private final KeySetServer keySet;

	private final FirstTokenLoad firstTokens = new FirstTokenLoad();

	FloodNetworksRun(Settings settings, Launcher launcher, Database database, Wrk wrk, Checks checks,
			KeySetServer keySet) {
		this.settings = settings;
		this.launcher = launcher;
		this.database = database;
		this.wrk = wrk;
		this.checks = checks;
		this.keySet = keySet;
	}

	/**
	 * New users that a flood of {@code seconds} can take on one connection: one a pause,
	 * and a margin. A run that uses them all before its end fails.
	 */
	static int newUsers(Settings s, int seconds) {
		return seconds * 1000 / s.newUserDelayMillis() + 10;
	}

	/**
	 * Starts the service, asks for one first token, floods it for {@code --flood-warmup},
	 * then for {@code --flood} measured, each with new users beside it, and stops it.
	 * @param forged the flood's tokens, {@link #FORGED_TOKENS} of them
	 * @param newUsersWarmup new users beside the warm-up flood
	 * @param newUsersMeasured new users beside the measured flood
	 * @param firstUser a new user whose first token is asked before the flood
	 */
	Figures run(Path forged, Path newUsersWarmup, Path newUsersMeasured, String firstUser) throws Exception {
		Settings s = this.settings;
		Server service = this.launcher.startServiceAsShipped("service-networks", this.database.create(DATABASE),
				Launcher.TRUSTED_PROXY);
		service.awaitReady();
		service.tokenBodySize(firstUser);
		String url = service.url("/token");
		Progress.print(String.format("flood from %d /64s: %d connections for %d s after %d s, a new user every %d ms",
				NETWORKS, s.floodConnections(), s.flood(), s.floodWarmup(), s.newUserDelayMillis()));
		Optional<Wrk.Flood> warmup = Optional.empty();
		if (s.floodWarmup() > 0) {
			Wrk.Flood flood = flood("networks-warmup", url, forged, newUsersWarmup, s.floodWarmup());
			this.checks.flood("flood from many networks, warm-up", flood.forged(), false);
			this.checks.warmup("new users beside the flood, warm-up", this.checks.allNew(flood.users()));
			warmup = Optional.of(flood);
		}
		long fetchesBefore = this.keySet.fetches();
		Wrk.Flood flood = flood("networks", url, forged, newUsersMeasured, s.flood());
		long fetches = this.keySet.fetches() - fetchesBefore;
		this.checks.flood("flood from many networks", flood.forged(), true);
		this.checks.firstTokens("new users' first tokens beside the flood", flood.users(), FIRST_TOKEN_BOUND);
		long sharedKeys = this.database.countRows(DATABASE,
				"select count(*) from rate_limit_bucket where id like 'sign-in:%'");
		service.stop();
		return new Figures(warmup, flood, fetches, sharedKeys);
	}

	/**
	 * The flood for {@code seconds} and, at the same time, new users one after another;
	 * the last new user's answer is waited for even when it comes after the flood.
	 */
	private Wrk.Flood flood(String name, String url, Path forged, Path newUsers, int seconds) throws Exception {
		Settings s = this.settings;
		Processes.Child flood = this.wrk.startFloodNetworks(name + "-flood", url, forged, s.floodConnections(),
				seconds);
		LoadResult users = this.firstTokens.run(url, newUsers, NEW_USERS_ADDRESS, s.newUserDelayMillis(), seconds);
		return new Wrk.Flood(Wrk.finish(flood, seconds), users);
	}

	/**
	 * What the run measured.
	 *
	 * @param warmup the warm-up flood and its new users, unless {@code --flood-warmup=0}
	 * @param measured the measured flood and its new users: rows 24 and 25
	 * @param keySetFetches how often the service fetched the issuer's key set during the
	 * measured flood
	 * @param sharedKeys the failed sign-in limit's buckets in PostgreSQL right after it:
	 * the addresses (/64s) whose failures reached the fleet's shared store
	 */
	record Figures(Optional<Wrk.Flood> warmup, Wrk.Flood measured, long keySetFetches, long sharedKeys) {
	}

}
