package benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.acstokenservice.testsupport.TestJwtIssuer;

/**
 * Rows 15 to 18, for the service or the reference: a flood of forged tokens from one
 * address beside signed-in users, and the flood's checks.
 */
final class FloodScenario {

	private final Settings settings;

	private final Wrk wrk;

	private final TestJwtIssuer issuer;

	private final KeySetServer keySet;

	private final Secrets secrets;

	private final Checks checks;

	private final Report report;

	/** The forged tokens, one signed before each flood. */
	private final List<String> forgedTokens = new ArrayList<>();

	FloodScenario(Settings settings, Wrk wrk, TestJwtIssuer issuer, KeySetServer keySet, Secrets secrets, Checks checks,
			Report report) {
		this.settings = settings;
		this.wrk = wrk;
		this.issuer = issuer;
		this.keySet = keySet;
		this.secrets = secrets;
		this.checks = checks;
		this.report = report;
	}

	/**
	 * A flood of forged tokens from one address (a well-formed RS256 JWT signed by a key
	 * the issuer never published) and, at the same time and from the same address,
	 * signed-in users at a moderate pace, each with a token of their own; after a flood
	 * of the same kind as warm-up. A forged token is signed anew for each server, so that
	 * neither flood's token is near its expiry. The key set fetches are counted over the
	 * measured flood.
	 */
	FloodFigures flood(String who, Server server, Path users) throws IOException {
		Settings s = this.settings;
		Progress.print(who + ": a flood of forged tokens from " + s.floodConnections() + " connections, "
				+ s.floodUsers() + " signed-in users beside it");
		String forged = this.issuer.tokenSignedByOtherKey("bench-forger");
		this.forgedTokens.add(forged);
		Path file = this.secrets.file("forged-" + who + ".tokens");
		Files.writeString(file, forged + "\n");
		String url = server.url("/token");
		if (s.floodWarmup() > 0) {
			flooded(who + ", flood warm-up", this.wrk.flood(who + "-warmup", url, file, s.floodConnections(), users,
					s.floodUsers(), s.floodDelayMillis(), s.floodWarmup()), false);
		}
		long fetchesBefore = this.keySet.fetches();
		Wrk.Flood flood = flooded(who + ", flood", this.wrk.flood(who, url, file, s.floodConnections(), users,
				s.floodUsers(), s.floodDelayMillis(), s.flood()), true);
		return new FloodFigures(flood.forged(), flood.users(), this.keySet.fetches() - fetchesBefore);
	}

	/** The forged tokens signed so far, secrets that no log may hold. */
	List<String> forgedTokens() {
		return this.forgedTokens;
	}

	/**
	 * A flood's checks: the forged tokens' ({@link Checks#flood}); every signed-in user's
	 * answer a 2xx, without socket errors; and, when measured, an answer to the users.
	 */
	private Wrk.Flood flooded(String what, Wrk.Flood flood, boolean measured) {
		LoadResult users = flood.users();
		this.checks.flood(what, flood.forged(), measured);
		if (measured && users.requests() == 0) {
			this.report.problem(what + ": no answer at all to the users");
		}
		if (users.failures() > 0 || users.socketErrors() > 0) {
			this.report.problem(what + ": the signed-in users got " + FloodRows.usersStatuses(users));
		}
		return flood;
	}

	/**
	 * Rows 15 and 16, or 17 and 18: what the measured flood and the users beside it got,
	 * and how often the flooded server fetched the issuer's key set meanwhile.
	 */
	record FloodFigures(LoadResult forged, LoadResult users, long keySetFetches) {
	}

}
