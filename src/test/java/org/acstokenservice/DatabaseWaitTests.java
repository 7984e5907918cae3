package org.acstokenservice;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request waits for the database 2 s at most in all, however many steps it takes: a
 * database that answers every statement just under its own time-out must not make a first
 * token wait for each in turn. Each bound per wait alone let a first token wait 0.9 s for
 * the ACS budget's row, 0.9 s to store the identity and 0.9 s for its audit row, and be
 * answered after 2.7 s.
 */
@IntegrationTest
class DatabaseWaitTests {

	private static final Duration SLOW = Duration.ofMillis(900);

	@Test
	void issueTokenWhenEveryStepOfTheDatabaseSlowThenAnsweredWithinTheRequestsWait() {
		try (Fleet fleet = Fleet.start(List.of(Duration.ZERO))) {
			ServiceClient client = fleet.instance(0).client();
			assertThat(client.post("/token", fleet.users().standard(), null).statusCode()).isEqualTo(200);
			slow(fleet, "sliding_window_slot", "update");
			slow(fleet, "acs_identity", "insert");
			slow(fleet, "audit_event", "insert");

			long start = System.nanoTime();
			HttpResponse<String> first = client.post("/token", fleet.users().standard(), null);
			Duration took = Duration.ofNanos(System.nanoTime() - start);

			assertThat(first.statusCode()).as(first.body()).isEqualTo(503);
			assertThat(first.body()).contains("database_unavailable");
			assertThat(took).as("three steps of 0.9 s each").isLessThan(Duration.ofMillis(2600));
		}
	}

	/** Every row of the table that the statement touches takes {@link #SLOW} more. */
	private static void slow(Fleet fleet, String table, String statement) {
		fleet.database().sql("""
				create or replace function slow_step() returns trigger language plpgsql as $$
				begin perform pg_sleep(%s); return new; end $$""".formatted(SLOW.toMillis() / 1000.0)).update();
		fleet.database()
			.sql("create trigger slow_%s before %s on %s for each row execute function slow_step()".formatted(table,
					statement, table))
			.update();
	}

}
