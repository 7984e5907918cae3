package org.acstokenservice.audit;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reuse hits (a page reload handed the user's still-fresh token) are counted, not rowed:
 * on PostgreSQL, over two instances, a user's hits in a period are one row with their
 * count, which reaches the trail within the flush interval, and the counts of an instance
 * that stops gracefully are written before it goes.
 */
@IntegrationTest
class ReuseHitTrailTests {

	@Test
	void tokenWhenReusedOnTwoInstancesThenOneRowPerUserAndPeriodWithTheCount() {
		try (Fleet fleet = Fleet.start(List.of(Duration.ZERO, Duration.ZERO),
				"token-service.audit.reuse-hits.flush-interval=1s", "token-service.policy.rate-limit.capacity=100")) {
			String user = fleet.users().standard("reloader-");
			assertThat(fleet.instance(0).client().post("/token", user, null).statusCode()).isEqualTo(200);
			assertThat(fleet.instance(1).client().post("/token", user, null).statusCode()).isEqualTo(200);
			for (int n = 0; n < 20; n++) {
				HttpResponse<String> reload = fleet.roundRobin(n).client().post("/token", user, null);
				assertThat(reload.statusCode()).isEqualTo(200);
			}

			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(occurrences(fleet, user)).as("within the flush interval").isEqualTo(20));
			assertThat(rows(fleet, user)).as("each instance issued its own token; the reloads are one row")
				.containsOnly(Map.entry("TOKEN_ISSUE", 2L), Map.entry("TOKEN_REUSE", 1L));

			for (int n = 0; n < 5; n++) {
				assertThat(fleet.instance(0).client().post("/token", user, null).statusCode()).isEqualTo(200);
			}
			fleet.instance(0).context().close();

			assertThat(occurrences(fleet, user)).as("written when the instance stopped").isEqualTo(25);
			assertThat(rows(fleet, user)).containsEntry("TOKEN_REUSE", 1L);
		}
	}

	private static Map<String, Long> rows(Fleet fleet, String user) {
		return fleet.database()
			.sql("select action, count(*) from audit_event where subject = ? group by action")
			.param(user)
			.query((rs, row) -> Map.entry(rs.getString(1), rs.getLong(2)))
			.list()
			.stream()
			.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	private static long occurrences(Fleet fleet, String user) {
		return fleet.database()
			.sql("select coalesce(sum(occurrences), 0) from audit_event where subject = ? and action = 'TOKEN_REUSE'")
			.param(user)
			.query(Long.class)
			.single();
	}

}
