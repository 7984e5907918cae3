package org.acstokenservice;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A right-to-erasure request that races the user's first token in another ACS resource
 * leaves nothing at ACS that the service does not know: each identity the second resource
 * holds is mapped to its user or queued for deletion. The database is slowed on purpose
 * (300 ms to queue a deletion, as a busy database would), which widens the race: an
 * erasure that deleted every row of the user, not only those it had locked and queued,
 * left 4 of 60 such identities behind, live, after its 204.
 */
@IntegrationTest
class ErasureRaceTests {

	private static final int RACES = 24;

	@Test
	void eraseWhenFirstTokenInAnotherResourceRacesThenEveryIdentityAtAcsMappedOrQueued() throws Exception {
		try (AcsEmulator eu = AcsEmulator.start(AcsEmulatorSettings.inMemory());
				Fleet fleet = Fleet.start(List.of(Duration.ZERO, Duration.ZERO), "acs.assignment.claim=region",
						"acs.assignment.resources.us=default", "acs.assignment.resources.eu=eu",
						"acs.resources.eu.connection-string=" + eu.connectionString(),
						"acs.resources.eu.trusted-certificate=" + eu.certificateFile(),
						"token-service.identity.deletion-retry-interval=1h")) {
			slowDeletionQueue(fleet);
			// Two instances: one instance runs one user's requests one at a time.
			ServiceClient inUs = new ServiceClient(port(fleet, 0), (user) -> bearer(user, "us"));
			ServiceClient inEu = new ServiceClient(port(fleet, 1), (user) -> bearer(user, "eu"));
			int racedIdentities = 0;
			for (int race = 0; race < RACES; race++) {
				String user = "racer-" + UUID.randomUUID();
				assertThat(inUs.post("/token", user, null).statusCode()).isEqualTo(200);

				CompletableFuture<HttpResponse<String>> erasure = CompletableFuture
					.supplyAsync(() -> inUs.send(inUs.request("/identity", user).DELETE().build()));
				HttpResponse<String> firstInEu = inEu.post("/token", user, null);

				assertThat(erasure.get().statusCode()).as(erasure.get().body()).isIn(204, 503);
				assertThat(firstInEu.statusCode()).as(firstInEu.body()).isIn(200, 503);
				racedIdentities += (firstInEu.statusCode() == 200) ? 1 : 0;
			}

			Set<String> known = new HashSet<>(fleet.database()
				.sql("select communication_user_id from acs_identity where resource = 'eu'")
				.query(String.class)
				.list());
			known.addAll(fleet.database()
				.sql("select communication_user_id from pending_acs_deletion where resource = 'eu'")
				.query(String.class)
				.list());
			long knownAndLive = known.stream().filter(eu::identityExists).count();
			assertThat(racedIdentities).as("first tokens in the second resource").isPositive();
			assertThat(eu.liveIdentityCount()).as("identities at ACS that the service maps or will delete")
				.isEqualTo((int) knownAndLive);
		}
	}

	/** 300 ms for every deletion queued: the erasure holds its locks that much longer. */
	private static void slowDeletionQueue(Fleet fleet) {
		fleet.database().sql("""
				create function slow_queue() returns trigger language plpgsql as $$
				begin perform pg_sleep(0.3); return new; end $$""").update();
		fleet.database()
			.sql("create trigger slow_queue before insert on pending_acs_deletion for each row execute function slow_queue()")
			.update();
	}

	private static int port(Fleet fleet, int instance) {
		return ((WebServerApplicationContext) fleet.instance(instance).context()).getWebServer().getPort();
	}

	private static String bearer(String user, String region) {
		return "Bearer " + TestJwtIssuer.shared().token(user, (claims) -> claims.claim("region", region));
	}

}
