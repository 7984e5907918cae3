package org.acstokenservice.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a right-to-erasure request, the trail keeps what happened and when, but no row
 * names the erased user: their app user id is replaced, as actor and as subject, by a
 * keyed hash (the key in configuration), the same for each of their rows, so the trail
 * still proves what was done without identifying them. On PostgreSQL, with rows of every
 * kind: tokens issued and reused, a look-up of someone else, an admin's revocation, and
 * the erasure itself.
 */
@IntegrationTest
class ErasedUserTrailTests {

	private static final String KEY = "a-test-pseudonym-key-of-32-bytes!";

	@Test
	void eraseWhenUserHasRowsOfEveryKindThenNoRowNamesThemAndEachCarriesTheirPseudonym() throws Exception {
		try (Fleet fleet = Fleet.start(List.of(Duration.ZERO), "token-service.audit.erasure.pseudonym-key=" + KEY)) {
			String user = fleet.users().standard("erased-");
			String other = fleet.users().standard("other-");
			String admin = fleet.users().admin();
			var client = fleet.instance(0).client();
			assertThat(client.post("/token", other, null).statusCode()).isEqualTo(200);
			assertThat(client.post("/token", user, null).statusCode()).isEqualTo(200);
			assertThat(client.post("/token", user, null).statusCode()).as("a reuse hit").isEqualTo(200);
			client.get("/users/" + other + "/identity", user);
			assertThat(client.post("/admin/users/" + user + "/revoke", admin, null).statusCode()).isEqualTo(204);
			long rowsBefore = rowsNaming(fleet, user);

			assertThat(client.send(client.request("/identity", user).DELETE().build()).statusCode()).isEqualTo(204);

			assertThat(rowsBefore).as("rows that named the user before").isGreaterThanOrEqualTo(4);
			assertThat(rowsNaming(fleet, user)).as("rows naming the erased user").isZero();
			String pseudonym = pseudonym(user);
			assertThat(fleet.database()
				.sql("select count(*) from audit_event where subject = ? or actor = ?")
				.param(pseudonym)
				.param(pseudonym)
				.query(Long.class)
				.single()).as("the same rows, and the erasure's, under the pseudonym").isGreaterThan(rowsBefore);
			assertThat(rowsNaming(fleet, other)).as("another user's rows keep their name").isPositive();
		}
	}

	private static long rowsNaming(Fleet fleet, String user) {
		fleet.instance(0).bean(AuditTrail.class).recent(user, 1);
		return fleet.database()
			.sql("select count(*) from audit_event where subject = ? or actor = ?")
			.param(user)
			.param(user)
			.query(Long.class)
			.single();
	}

	/**
	 * What the documentation says an operator can compute to find an erased user's rows.
	 */
	private static String pseudonym(String appUserId) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		byte[] hash = mac.doFinal(appUserId.getBytes(StandardCharsets.UTF_8));
		return "erased:" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 32);
	}

}
