package org.acstokenservice.acs;

import java.time.Duration;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each request the SDK sends counts against the limit ACS counts it against; the budget
 * leaves the reserve to other applications.
 */
class AcsLimitedOperationTests {

	private static final String ACS = "https://acs.example.com";

	@Test
	void ofWhenEachRequestOfTheSdkThenAcsLimit() {
		assertThat(operation(HttpMethod.POST, "/identities", "{}")).isEqualTo(AcsLimitedOperation.CREATE_IDENTITY);
		assertThat(operation(HttpMethod.POST, "/identities", "{\"createTokenWithScopes\":[]}"))
			.isEqualTo(AcsLimitedOperation.CREATE_IDENTITY);
		assertThat(operation(HttpMethod.POST, "/identities",
				"{\"createTokenWithScopes\" : [ \"chat\"],\"expiresInMinutes\":60}"))
			.isEqualTo(AcsLimitedOperation.CREATE_IDENTITY_AND_TOKEN);
		assertThat(operation(HttpMethod.POST, "/identities/8:acs:r_1/:issueAccessToken", "{\"scopes\":[\"voip\"]}"))
			.isEqualTo(AcsLimitedOperation.ISSUE_TOKEN);
		assertThat(operation(HttpMethod.POST, "/identities/8:acs:r_1/:revokeAccessTokens", null))
			.isEqualTo(AcsLimitedOperation.REVOKE);
		assertThat(operation(HttpMethod.DELETE, "/identities/8:acs:r_1", null)).isEqualTo(AcsLimitedOperation.DELETE);
		assertThat(operation(HttpMethod.POST, "/teamsUser/:exchangeAccessToken", "{}"))
			.isEqualTo(AcsLimitedOperation.TEAMS_EXCHANGE);
		assertThat(operation(HttpMethod.GET, "/identities/8:acs:r_1", null)).isEqualTo(AcsLimitedOperation.OTHER);
	}

	@Test
	void allowanceWhenReserveThenLimitLessTheReserveAndTheSmallestForOthers() {
		AcsProperties.Limits acs = new AcsProperties.Limits(1000, 1000, 1000, 500, 500, 500);
		AcsProperties.Budget budget = new AcsProperties.Budget(true, Duration.ofSeconds(30), 10, acs, null);

		assertThat(budget.allowance(AcsLimitedOperation.ISSUE_TOKEN)).isEqualTo(900);
		assertThat(budget.allowance(AcsLimitedOperation.REVOKE)).isEqualTo(450);
		assertThat(budget.allowance(AcsLimitedOperation.OTHER)).isEqualTo(450);
		AcsProperties.Limits tiny = new AcsProperties.Limits(1, 1, 1, 1, 1, 1);
		assertThat(new AcsProperties.Budget(true, Duration.ofSeconds(30), 90, tiny, null)
			.allowance(AcsLimitedOperation.DELETE)).as("at least one").isEqualTo(1);
	}

	private static AcsLimitedOperation operation(HttpMethod method, String path, String body) {
		HttpRequest request = new HttpRequest(method, ACS + path + "?api-version=2023-10-01");
		if (body != null) {
			request.setBody(body);
		}
		return AcsLimitedOperation.of(request);
	}

}
