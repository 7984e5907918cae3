package org.acstokenservice.acs;

import java.net.http.HttpResponse;

import org.acstokenservice.ServiceTest;
import org.acstokenservice.ServiceClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spent ACS budget turns away what needs ACS, while reused tokens are still handed out.
 */
@ServiceTest
@TestPropertySource(properties = { "acs.budget.calls=3", "acs.budget.period=1h" })
class AcsBudgetTests {

	@Autowired
	ServiceClient client;

	@Test
	void issueTokenWhenBudgetSpentThenUnavailableButReuseStillServed() {
		HttpResponse<String> first = this.client.post("/token", "alice", null);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(this.client.post("/token", "bob", null).statusCode()).isEqualTo(200);
		assertThat(this.client.post("/token", "alice", "{\"scopes\":[\"voip\"]}").statusCode()).isEqualTo(200);

		HttpResponse<String> spent = this.client.post("/token", "alice", "{\"scopes\":[\"chat.join\"]}");

		AcsFaultTests.assertProblem(spent, 503, "acs_unavailable");
		assertThat(spent.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		HttpResponse<String> reused = this.client.post("/token", "alice", null);
		assertThat(reused.statusCode()).isEqualTo(200);
		assertThat(ServiceClient.json(reused).path("token").asString())
			.isEqualTo(ServiceClient.json(first).path("token").asString());
	}

}
