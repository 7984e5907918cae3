package org.acstokenservice;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.acstokenservice.testsupport.Fleet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment that lowers a limit: the instances started with the new setting apply it
 * to buckets that exist already, not only to new ones.
 */
@IntegrationTest
class FleetRestartTests {

	private static Fleet fleet;

	@BeforeAll
	static void startFleet() {
		fleet = Fleet.start(List.of(Duration.ZERO), "token-service.policy.rate-limit.capacity=8",
				"token-service.policy.rate-limit.period=1h");
	}

	@AfterAll
	static void stopFleet() {
		fleet.close();
	}

	@Test
	void issueTokenWhenRestartedWithLowerCapacityThenExistingUserGetsTheLowerCapacity() {
		String user = fleet.users().standard();
		assertThat(tokens(fleet.instance(0), user, 2)).isEqualTo(2);

		Fleet.Instance restarted = fleet.restart(0, "token-service.policy.rate-limit.capacity=3");

		assertThat(tokens(restarted, user, 10)).as("the lowered capacity, not the 6 left of the old one").isEqualTo(3);
	}

	/** Asks for n tokens. @return how many were granted */
	private static long tokens(Fleet.Instance instance, String user, int n) {
		return IntStream.range(0, n)
			.map((i) -> instance.client().post("/token", user, null).statusCode())
			.filter((status) -> status == 200)
			.count();
	}

}
