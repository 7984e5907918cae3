package org.acstokenservice;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail's retention in a running service on PostgreSQL: the job drops a day
 * past the retention while requests write the trail.
 */
@IntegrationTest
class AuditRetentionFleetTests {

	private static Fleet fleet;

	@BeforeAll
	static void startFleet() {
		fleet = Fleet.start(List.of(Duration.ZERO), "token-service.policy.rate-limit.enabled=false");
	}

	@AfterAll
	static void stopFleet() {
		fleet.close();
	}

	@Test
	void purgeWhenADayIsPastTheRetentionThenItsPartitionIsGoneWhileTheServiceServes() throws Exception {
		JdbcClient database = fleet.database();
		Instant oldDay = Instant.now().minus(Duration.ofDays(100)).truncatedTo(ChronoUnit.DAYS);
		String oldPartition = partition(oldDay);
		// As the job made it 100 days ago.
		database
			.sql("create table " + oldPartition + " partition of audit_event for values from ('" + oldDay + "') to ('"
					+ oldDay.plus(1, ChronoUnit.DAYS) + "')")
			.update();
		database.sql("insert into audit_event (occurred_at, action, outcome, subject) values (?, ?, ?, ?)")
			.params(oldDay.plus(Duration.ofHours(10)).atOffset(ZoneOffset.UTC), "TOKEN_ISSUE", "SUCCESS", "long-gone")
			.update();
		String user = fleet.users().standard();
		Fleet.Instance instance = fleet.instance(0);
		Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
		AtomicBoolean serving = new AtomicBoolean(true);
		Thread requests = new Thread(() -> {
			while (serving.get()) {
				statuses.add(instance.client().post("/token", user, null).statusCode());
			}
		});
		requests.start();
		try {
			awaitAnswers(statuses, 20);
			ReflectionTestUtils.invokeMethod(instance.context().getBean("auditRetention"), "purge");
			awaitAnswers(statuses, statuses.size() + 20);
		}
		finally {
			serving.set(false);
			requests.join();
		}

		assertThat(database.sql("select to_regclass(?) is null").param(oldPartition).query(Boolean.class).single())
			.as("the day past the retention dropped")
			.isTrue();
		assertThat(
				database.sql("select count(*) from audit_event where subject = 'long-gone'").query(Long.class).single())
			.isZero();
		assertThat(statuses).as("answers while it ran").allSatisfy((status) -> assertThat(status).isEqualTo(200));
		assertThat(database.sql("select distinct tableoid::regclass::text from audit_event where subject = ?")
			.param(user)
			.query(String.class)
			.list()).as("the service's rows, in today's partition")
			.containsExactly(partition(Instant.now().truncatedTo(ChronoUnit.DAYS)));
	}

	private static String partition(Instant day) {
		return "audit_event_p" + day.toString().substring(0, 10).replace("-", "");
	}

	private static void awaitAnswers(Queue<Integer> statuses, int count) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (statuses.size() < count && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(statuses).hasSizeGreaterThanOrEqualTo(count);
	}

}
