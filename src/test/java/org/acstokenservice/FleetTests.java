package org.acstokenservice;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.emulator.AcsOperation;
import org.acstokenservice.emulator.Fault;
import org.acstokenservice.identity.IdentityDeletions;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.util.ReflectionTestUtils;
import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances on one PostgreSQL and one ACS, requests to each in turn as a
 * round-robin load balancer sends them, the third instance's clock a minute behind the
 * others: a user gets one identity however their first requests are spread, the limits
 * hold for the fleet in total, a revocation on any instance holds on all, and the
 * deletion retry job tries each deletion once per round.
 */
@IntegrationTest
class FleetTests {

	/** Tokens per user, and failed sign-ins per address, in an hour. */
	private static final int CAPACITY = 64;

	/**
	 * What a fleet of three may grant at most: the capacity, what refills while a test
	 * runs (one token in less than a minute), and a tenth, which the instances' local
	 * shares split between them.
	 */
	private static final int BOUND = CAPACITY + 1 + CAPACITY / 10;

	/**
	 * Failed sign-ins per synchronisation: twice what the three instances count alone.
	 */
	private static final int SIGN_IN_ROUND = 2 * 3 * (CAPACITY / 10);

	private static Fleet fleet;

	@BeforeAll
	static void startFleet() {
		fleet = Fleet.start(List.of(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(-1)),
				"token-service.policy.rate-limit.capacity=" + CAPACITY, "token-service.policy.rate-limit.period=1h",
				"token-service.sign-in.failed-attempts.capacity=" + CAPACITY,
				"token-service.sign-in.failed-attempts.period=1h", "token-service.identity.deletion-retry-interval=1h",
				"acs.client.max-retries=0",
				// Behind a proxy that every test is: each sign-in test names client
				// addresses of its own.
				"server.forward-headers-strategy=native", "server.tomcat.remoteip.internal-proxies=127.0.0.1/32");
	}

	@AfterAll
	static void stopFleet() {
		fleet.close();
	}

	@Test
	void issueTokenWhenConcurrentFirstRequestsOnEveryInstanceThenOneIdentity() throws Exception {
		String user = fleet.users().standard();
		int liveBefore = fleet.acs().liveIdentityCount();
		long createdBefore = fleet.acs().requestCount(AcsOperation.CREATE_IDENTITY);

		List<HttpResponse<String>> responses = atOnce(CAPACITY,
				(n) -> fleet.roundRobin(n).client().post("/token", user, null));

		assertThat(responses)
			.allSatisfy((response) -> assertThat(response.statusCode()).as(response.body()).isEqualTo(200));
		List<String> identities = responses.stream()
			.map((response) -> ServiceClient.json(response).path("user").path("communicationUserId").asString())
			.distinct()
			.toList();
		assertThat(identities).hasSize(1);
		assertThat(fleet.database()
			.sql("select communication_user_id from acs_identity where app_user_id = ?")
			.param(user)
			.query(String.class)
			.list()).containsExactlyElementsOf(identities);
		assertThat(fleet.acs().identityExists(identities.get(0))).isTrue();
		assertThat(fleet.acs().liveIdentityCount() - liveBefore).as("the losers deleted what they created").isOne();
		assertThat(fleet.acs().requestCount(AcsOperation.CREATE_IDENTITY) - createdBefore)
			.as("one creation per instance at most")
			.isBetween(1L, 3L);
	}

	@Test
	void issueTokenWhenRequestsSpreadOverInstancesThenLimitedAtCapacityInTotal() throws InterruptedException {
		String user = fleet.users().standard();

		List<HttpResponse<String>> responses = IntStream.range(0, 3 * CAPACITY)
			.mapToObj((n) -> fleet.roundRobin(n).client().post("/token", user, null))
			.toList();

		long granted = responses.stream().filter((response) -> response.statusCode() == 200).count();
		System.out.printf("One user, %d requests in turn over three instances: %d granted of %d%n", 3 * CAPACITY,
				granted, CAPACITY);
		assertThat(granted).as("the capacity, its refill and a tenth at most").isBetween((long) CAPACITY, (long) BOUND);
		List<HttpResponse<String>> refused = responses.stream()
			.filter((response) -> response.statusCode() != 200)
			.toList();
		assertThat(refused).hasSize(3 * CAPACITY - (int) granted).allSatisfy((response) -> {
			assertProblem(response, 429, "rate_limited");
			assertThat(response.headers().firstValue("Retry-After")).isPresent();
		});
		assertThat(auditedRefusals(user)).as("audited once per window by the fleet, not once per instance")
			.isEqualTo(1);
	}

	@Test
	void signInWhenFailuresSpreadOverInstancesThenLimitedAtCapacityInTotal() throws InterruptedException {
		String forged = TestJwtIssuer.shared().tokenSignedByOtherKey("mallory");

		/*
		 * Beyond its local share an instance refuses an address until its next background
		 * synchronisation: failures in rounds a synchronisation apart.
		 */
		List<HttpResponse<String>> responses = new ArrayList<>();
		int idle = 0;
		for (int round = 0; round < 12 && idle < 2; round++) {
			int before = responses.size();
			for (int n = 0; n < SIGN_IN_ROUND; n++) {
				responses
					.add(fleet.roundRobin(n).client().forwardedFor("192.0.2.1").postWithToken("/token", forged, null));
			}
			boolean anyCounted = responses.subList(before, responses.size())
				.stream()
				.anyMatch((response) -> response.statusCode() == 401);
			idle = anyCounted ? 0 : idle + 1;
			Thread.sleep(1100);
		}

		long counted = responses.stream().filter((response) -> response.statusCode() == 401).count();
		assertThat(counted).isBetween((long) CAPACITY, (long) BOUND);
		assertThat(responses.stream().filter((response) -> response.statusCode() == 429))
			.hasSize(responses.size() - (int) counted);
		String user = fleet.users().standard();
		assertThat(fleet.instance(1).client().forwardedFor("192.0.2.1").post("/token", user, null).statusCode())
			.as("a good sign-in from the same address still passes")
			.isEqualTo(200);
	}

	@Test
	void revokeOnInstanceWithClockBehindThenNoInstanceHandsOutATokenIssuedBefore() {
		String user = fleet.users().standard();
		List<String> before = fleet.instances()
			.stream()
			.map((instance) -> token(instance.client().post("/token", user, null)))
			.toList();
		assertThat(token(fleet.instance(0).client().post("/token", user, null)))
			.as("each instance reuses the token it issued")
			.isEqualTo(before.get(0));

		HttpResponse<String> revoked = fleet.instance(2).client().post("/token/revoke", user, null);

		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
		for (Fleet.Instance instance : fleet.instances()) {
			String after = token(instance.client().post("/token", user, null));
			assertThat(after).isNotIn(before);
			assertThat(fleet.acs().isTokenValid(after)).isTrue();
		}
		assertThat(before).noneMatch(fleet.acs()::isTokenValid);
	}

	@Test
	void revokeWhileOtherInstancesServeTheUserThenNoneHandsOutAnOldTokenOnceThe204IsBack() throws Exception {
		String user = fleet.users().standard();
		List<String> before = fleet.instances()
			.stream()
			.map((instance) -> token(instance.client().post("/token", user, null)))
			.toList();
		List<Served> served = Collections.synchronizedList(new ArrayList<>());
		AtomicBoolean serving = new AtomicBoolean(true);
		ExecutorService reloads = Executors.newFixedThreadPool(2);
		try {
			for (int n = 0; n < 2; n++) {
				Fleet.Instance instance = fleet.instance(n);
				reloads.submit(() -> {
					// A reload every 60 ms: well within the user's allowance.
					while (serving.get()) {
						long sent = System.nanoTime();
						HttpResponse<String> response = instance.client().post("/token", user, null);
						if (response.statusCode() == 200) {
							served.add(new Served(sent, token(response)));
						}
						Thread.sleep(60);
					}
					return null;
				});
			}
			Thread.sleep(300);

			HttpResponse<String> revoked = fleet.instance(2).client().post("/token/revoke", user, null);
			long answered = System.nanoTime();
			Thread.sleep(500);
			serving.set(false);

			assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
			List<String> after;
			synchronized (served) {
				assertThat(served).as("reloads before the revocation").anyMatch((s) -> s.sent() < answered);
				after = served.stream().filter((s) -> s.sent() > answered).map(Served::token).toList();
			}
			assertThat(after).as("reloads sent after the 204").isNotEmpty().doesNotContainAnyElementsOf(before);
		}
		finally {
			serving.set(false);
			reloads.shutdown();
			reloads.awaitTermination(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void revokeWhileChangeFeedsCutOffThenRevocationStillHonouredEverywhere() throws Exception {
		String user = fleet.users().standard();
		List<String> before = fleet.instances()
			.stream()
			.map((instance) -> token(instance.client().post("/token", user, null)))
			.toList();

		// Every instance's listening connection goes: the announcement is lost.
		fleet.database()
			.sql("select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?")
			.param("acs-fleet-changes")
			.query(Boolean.class)
			.list();
		HttpResponse<String> revoked = fleet.instance(2).client().post("/token/revoke", user, null);
		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);

		for (Fleet.Instance instance : fleet.instances()) {
			assertThat(token(instance.client().post("/token", user, null))).isNotIn(before);
		}
		Thread.sleep(1500);
		for (Fleet.Instance instance : fleet.instances()) {
			assertThat(token(instance.client().post("/token", user, null))).as("once the feeds are back")
				.isNotIn(before);
		}
	}

	@Test
	void eraseWhenIdentityRowLockedElsewhereThenDatabaseUnavailableWithinAboutTwoSeconds() throws Exception {
		String user = fleet.users().standard();
		assertThat(fleet.instance(0).client().post("/token", user, null).statusCode()).isEqualTo(200);
		try (Connection holder = fleet.dataSource().getConnection()) {
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder
				.prepareStatement("select * from acs_identity where app_user_id = ? for update")) {
				lock.setString(1, user);
				lock.executeQuery().close();
			}
			long start = System.nanoTime();

			HttpResponse<String> erased = fleet.instance(0)
				.client()
				.send(fleet.instance(0).client().request("/identity", user).DELETE().build());

			assertProblem(erased, 503, "database_unavailable");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
			holder.rollback();
		}
		assertThat(fleet.instance(0).client().get("/identity", user).statusCode()).as("nothing erased").isEqualTo(200);
	}

	@Test
	void signInWhenFloodedWithOneBadTokenThenOtherUsersServedAndTheFloodCostsNoDatabaseWork() throws Exception {
		Fleet.Instance instance = fleet.instance(1);
		ServiceClient client = instance.client().forwardedFor("192.0.2.2");
		MeterRegistry meters = instance.bean(MeterRegistry.class);
		String forged = TestJwtIssuer.shared().tokenSignedByOtherKey("flooder");
		List<String> users = IntStream.range(0, 10).mapToObj((n) -> fleet.users().standard()).toList();
		AtomicBoolean flooding = new AtomicBoolean(true);
		ConcurrentHashMap<Integer, AtomicInteger> floodAnswers = new ConcurrentHashMap<>();
		double statementsBefore = meters.get("acs.fleet.bucket.statements").timer().count();
		ExecutorService flood = Executors.newFixedThreadPool(8);
		List<Integer> served = new ArrayList<>();
		try {
			for (int n = 0; n < 8; n++) {
				flood.submit(() -> {
					while (flooding.get()) {
						int status = client.postWithToken("/token", forged, null).statusCode();
						floodAnswers.computeIfAbsent(status, (unused) -> new AtomicInteger()).incrementAndGet();
					}
					return null;
				});
			}
			Thread.sleep(500);
			for (int round = 0; round < 3; round++) {
				for (String user : users) {
					served.add(client.post("/token", user, null).statusCode());
				}
			}
		}
		finally {
			flooding.set(false);
			flood.shutdown();
			flood.awaitTermination(30, TimeUnit.SECONDS);
		}
		double statements = meters.get("acs.fleet.bucket.statements").timer().count() - statementsBefore;
		int floodRequests = floodAnswers.values().stream().mapToInt(AtomicInteger::get).sum();

		assertThat(served).as("the signed-in users behind the same address").containsOnly(200);
		assertThat(floodAnswers.keySet()).as("the flood's answers").isSubsetOf(401, 429);
		assertThat(floodRequests).isGreaterThan(200);
		assertThat(statements).as("bucket statements while %d bad sign-ins arrived", floodRequests)
			.isLessThan(floodRequests / 10.0);
	}

	private record Served(long sent, String token) {
	}

	@Test
	void retryPendingDeletionsWhenEveryInstanceRunsARoundThenEachDeletionTriedOnce() throws Exception {
		String identity = "8:acs:fleet-" + System.nanoTime();
		Instant due = Instant.now().minus(Duration.ofMinutes(5));
		fleet.database()
			.sql("insert into pending_acs_deletion (communication_user_id, app_user_id, requested_at, attempts, "
					+ "next_attempt_at) values (?, 'erased-user', ?, 0, ?)")
			.params(identity, utc(due), utc(due))
			.update();
		fleet.acs().faults().injectNext(100, AcsOperation.DELETE, Fault.status(500));
		long deletionsBefore = fleet.acs().requestCount(AcsOperation.DELETE);
		try {
			// The scheduled job as the scheduler runs it, on every instance at once...
			atOnce(3, (n) -> ReflectionTestUtils.invokeMethod(fleet.instance(n).context().getBean("pendingDeletions"),
					"retry"));
			// ...and each instance's service straight, as a round that outlived its lock.
			atOnce(3, (n) -> fleet.instance(n).bean(IdentityDeletions.class).retryPendingDeletions());
		}
		finally {
			fleet.acs().faults().clear();
		}

		assertThat(fleet.acs().requestCount(AcsOperation.DELETE) - deletionsBefore).isEqualTo(1);
		assertThat(fleet.database()
			.sql("select attempts from pending_acs_deletion where communication_user_id = ?")
			.param(identity)
			.query(Integer.class)
			.single()).isEqualTo(1);
		assertThat(fleet.database()
			.sql("select count(*) from shedlock where name = 'pending-acs-deletions'")
			.query(Long.class)
			.single()).as("the round held the fleet's lock").isEqualTo(1);
	}

	@Test
	void eraseOnInstanceWithClockFarBehindWhileRetryJobRunsThenDeletedAtAcsOnce() throws Exception {
		String user = fleet.users().standard();
		assertThat(fleet.instance(2).client().post("/token", user, null).statusCode()).isEqualTo(200);
		long deletionsBefore = fleet.acs().requestCount(AcsOperation.DELETE);
		// ACS is slow to delete for the erasure; meanwhile another instance's job runs.
		fleet.acs().faults().injectNext(1, AcsOperation.DELETE, Fault.latency(Duration.ofSeconds(2)));
		fleet.instance(2).clock().advance(Duration.ofMinutes(-10));
		ExecutorService erasing = Executors.newSingleThreadExecutor();
		try {
			Future<HttpResponse<String>> erased = erasing.submit(() -> fleet.instance(2)
				.client()
				.send(fleet.instance(2).client().request("/identity", user).DELETE().build()));
			awaitPendingDeletionOf(user);
			int deletedByJob = fleet.instance(0).bean(IdentityDeletions.class).retryPendingDeletions();

			assertThat(erased.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
			assertThat(deletedByJob).as("the erasure's claim holds on the database's clock").isZero();
		}
		finally {
			erasing.shutdownNow();
			fleet.instance(2).clock().advance(Duration.ofMinutes(10));
			fleet.acs().faults().clear();
		}
		assertThat(fleet.acs().requestCount(AcsOperation.DELETE) - deletionsBefore).isOne();
	}

	private static void awaitPendingDeletionOf(String user) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (fleet.database()
				.sql("select count(*) from pending_acs_deletion where app_user_id = ?")
				.param(user)
				.query(Long.class)
				.single() > 0) {
				return;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("The erasure queued no deletion within 10 s");
	}

	/**
	 * The user's audited rate-limit refusals, once the first is written and the writers
	 * (every {@code token-service.audit.flush-interval}, 200 ms) have had five times as
	 * long again.
	 */
	private static long auditedRefusals(String user) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (countAuditedRefusals(user) == 0 && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		Thread.sleep(1000);
		return countAuditedRefusals(user);
	}

	private static long countAuditedRefusals(String user) {
		return fleet.database()
			.sql("select count(*) from audit_event where subject = ? and reason = 'rate_limited'")
			.param(user)
			.query(Long.class)
			.single();
	}

	private static String token(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return ServiceClient.json(response).path("token").asString();
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	/** Runs the work for 0 to n - 1 on as many threads, released at the same moment. */
	private static <T> List<T> atOnce(int n, IntFunction<T> work) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(n);
		try {
			CountDownLatch gate = new CountDownLatch(1);
			List<Future<T>> running = IntStream.range(0, n).mapToObj((i) -> pool.submit(() -> {
				gate.await();
				return work.apply(i);
			})).toList();
			gate.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : running) {
				results.add(future.get(60, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
