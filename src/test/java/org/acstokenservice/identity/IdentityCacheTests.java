package org.acstokenservice.identity;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.testsupport.ManualChangeFeed;
import org.acstokenservice.fleet.FreshConnectionRetry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity cache against a change that the feed hears at the worst moment, on the
 * feed's own thread.
 */
class IdentityCacheTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@Test
	void findWhenRevocationHeardAfterTheReadThenTheStaleIdentityIsNotKept() throws InterruptedException {
		H2Stores database = H2Stores.migrated();
		AtomicBoolean read = new AtomicBoolean();
		JdbcIdentityStore store = new JdbcIdentityStore(database.jdbc(),
				new FreshConnectionRetry(new JdbcDataSource(), TransactionOperations.withoutTransaction())) {

			@Override
			Optional<StoredIdentity> findByAppUserId(String appUserId, String resource) {
				Optional<StoredIdentity> found = super.findByAppUserId(appUserId, resource);
				read.set(true);
				return found;
			}

		};
		store.insertIfAbsent(new StoredIdentity("alice", "8:acs:r_alice", NOW, null));
		ManualChangeFeed feed = new ManualChangeFeed();
		IdentityCache cache = new IdentityCache(store, feed, Set.of(AcsResources.DEFAULT), 100,
				new SimpleMeterRegistry());
		AtomicBoolean revoked = new AtomicBoolean();
		Thread[] feedThread = new Thread[1];
		/*
		 * The request asks the feed again after its read: right then a revocation commits
		 * and the feed's thread hears it (or waits for a lock the request holds).
		 */
		feed.onUpToDate(() -> {
			if (read.get() && revoked.compareAndSet(false, true)) {
				store.markRevoked("alice", "8:acs:r_alice", NOW);
				feedThread[0] = runUntilDoneOrBlockedByCaller(() -> feed.announce(IdentityCache.TOPIC, "alice"));
			}
		});

		Optional<StoredIdentity> racing = cache.find("alice", AcsResources.DEFAULT);
		assertThat(revoked).as("the revocation raced the request").isTrue();
		feedThread[0].join(10_000);
		assertThat(feedThread[0].isAlive()).as("the feed's thread finished").isFalse();

		assertThat(racing).map(StoredIdentity::revocationGeneration).as("read before the revocation").hasValue(0L);
		assertThat(cache.find("alice", AcsResources.DEFAULT)).map(StoredIdentity::revocationGeneration)
			.as("what later requests get once the change was heard")
			.hasValue(1L);
	}

	/**
	 * Starts a thread and returns once it has finished, or is blocked on a lock that the
	 * calling thread holds: no sleep decides the order.
	 */
	private static Thread runUntilDoneOrBlockedByCaller(Runnable task) {
		Thread thread = new Thread(task, "test-feed");
		thread.start();
		long caller = Thread.currentThread().getId();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (thread.isAlive()) {
			ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(thread.getId());
			if (info != null && info.getLockOwnerId() == caller) {
				break;
			}
			assertThat(System.nanoTime()).as("the feed's thread finishes or waits within 10 s").isLessThan(deadline);
			Thread.onSpinWait();
		}
		return thread;
	}

}
