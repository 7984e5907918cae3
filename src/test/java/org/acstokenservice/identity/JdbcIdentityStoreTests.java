package org.acstokenservice.identity;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;

import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.fleet.FreshConnectionRetry;
import org.acstokenservice.identity.JdbcIdentityStore.DeletionQueue;
import org.acstokenservice.identity.JdbcIdentityStore.PendingDeletion;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity store against a database migrated by the real Flyway scripts. Subclasses
 * run it on each database the service supports.
 */
abstract class JdbcIdentityStoreTests {

	private static final Instant CREATED = Instant.parse("2026-11-29T10:15:30.123456Z");

	JdbcIdentityStore store;

	abstract DataSource dataSource();

	@BeforeEach
	void migrate() {
		Flyway flyway = Flyway.configure().dataSource(dataSource()).cleanDisabled(false).load();
		flyway.clean();
		flyway.migrate();
		this.store = new JdbcIdentityStore(JdbcClient.create(dataSource()), new FreshConnectionRetry(dataSource(),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource()))));
	}

	@Test
	void deletionQueueWhenDeletionsWaitThenCountAndOldestWaitOnTheDatabaseClock() {
		assertThat(this.store.deletionQueue()).isEqualTo(new DeletionQueue(0, Duration.ZERO));
		Instant now = this.store.databaseNow();
		this.store.queueDeletion("8:acs:r_old", "alice", AcsResources.DEFAULT, now.minus(2, ChronoUnit.HOURS), now);
		this.store.queueDeletion("8:acs:r_new", "bob", AcsResources.DEFAULT, now.minus(1, ChronoUnit.MINUTES), now);

		DeletionQueue queue = this.store.deletionQueue();

		assertThat(queue.waiting()).isEqualTo(2);
		assertThat(queue.oldestAge()).isBetween(Duration.ofHours(2), Duration.ofHours(2).plusMinutes(1));
	}

	@Test
	void findWhenStoredThenFoundByEitherKeyWithSameValues() {
		StoredIdentity alice = new StoredIdentity("alice", "8:acs:r_1", CREATED, null);

		assertThat(this.store.insertIfAbsent(alice)).isTrue();

		assertThat(this.store.findByAppUserId("alice", AcsResources.DEFAULT)).contains(alice);
		assertThat(this.store.findByCommunicationUserId("8:acs:r_1")).contains(alice);
	}

	@Test
	void findWhenNothingStoredThenEmpty() {
		assertThat(this.store.findByAppUserId("nobody", AcsResources.DEFAULT)).isEmpty();
		assertThat(this.store.findByCommunicationUserId("8:acs:r_404")).isEmpty();
	}

	@Test
	void insertWhenUserHasIdentityThenRefusedAndFirstKept() {
		this.store.insertIfAbsent(new StoredIdentity("alice", "8:acs:r_1", CREATED, null));

		boolean inserted = this.store
			.insertIfAbsent(new StoredIdentity("alice", "8:acs:r_2", CREATED.plus(1, ChronoUnit.SECONDS), null));

		assertThat(inserted).isFalse();
		assertThat(this.store.findByAppUserId("alice", AcsResources.DEFAULT))
			.hasValueSatisfying((identity) -> assertThat(identity.communicationUserId()).isEqualTo("8:acs:r_1"));
		assertThat(this.store.findByCommunicationUserId("8:acs:r_2")).isEmpty();
	}

	@Test
	void insertWhenIdentityMappedToAnotherUserThenRefused() {
		this.store.insertIfAbsent(new StoredIdentity("alice", "8:acs:r_1", CREATED, null));

		assertThat(this.store.insertIfAbsent(new StoredIdentity("bob", "8:acs:r_1", CREATED, null))).isFalse();
		assertThat(this.store.findByAppUserId("bob", AcsResources.DEFAULT)).isEmpty();
	}

	@Test
	void findWhenRevokedAtStoredThenReadBackExactly() {
		Instant revoked = CREATED.plus(5, ChronoUnit.MINUTES);
		this.store.insertIfAbsent(new StoredIdentity("carol", "8:acs:r_3", CREATED, revoked));

		assertThat(this.store.findByAppUserId("carol", AcsResources.DEFAULT))
			.hasValueSatisfying((identity) -> assertThat(identity.tokensRevokedAt()).isEqualTo(revoked));
	}

	@Test
	void replaceWhenMappingStillStaleThenNewIdentityAndRevocationCleared() {
		StoredIdentity stale = new StoredIdentity("dave", "8:acs:r_4", CREATED, CREATED);
		this.store.insertIfAbsent(stale);
		StoredIdentity fresh = new StoredIdentity("dave", "8:acs:r_5", CREATED.plus(1, ChronoUnit.HOURS), null);

		assertThat(this.store.replace(stale, fresh)).isTrue();
		assertThat(this.store.findByAppUserId("dave", AcsResources.DEFAULT)).contains(fresh);
		assertThat(this.store.replace(stale, new StoredIdentity("dave", "8:acs:r_6", CREATED, null))).isFalse();
		assertThat(this.store.findByAppUserId("dave", AcsResources.DEFAULT)).contains(fresh);
	}

	@Test
	void markRevokedWhenUserStillMappedToIdentityThenStoredElseFalse() {
		this.store.insertIfAbsent(new StoredIdentity("erin", "8:acs:r_7", CREATED, null));
		Instant revoked = CREATED.plus(2, ChronoUnit.HOURS);

		assertThat(this.store.markRevoked("erin", "8:acs:r_7", revoked)).isTrue();
		assertThat(this.store.markRevoked("erin", "8:acs:r_replaced", revoked.plusSeconds(1))).isFalse();
		assertThat(this.store.markRevoked("nobody", "8:acs:r_7", revoked)).isFalse();
		assertThat(this.store.findByAppUserId("erin", AcsResources.DEFAULT).map(StoredIdentity::tokensRevokedAt))
			.contains(revoked);
	}

	@Test
	void forgetAndQueueDeletionThenMappingGoneAndDeletionPendingUntilDone() {
		this.store.insertIfAbsent(new StoredIdentity("fay", "8:acs:r_8", CREATED, null));

		assertThat(this.store.forgetAndQueueDeletion("fay", CREATED, CREATED)).contains("8:acs:r_8");

		assertThat(this.store.findByAppUserId("fay", AcsResources.DEFAULT)).isEmpty();
		assertThat(this.store.pendingDeletionsOf("fay"))
			.containsExactly(new PendingDeletion("8:acs:r_8", AcsResources.DEFAULT, 0));
		assertThat(this.store.pendingDeletionsDue(CREATED, 10))
			.containsExactly(new PendingDeletion("8:acs:r_8", AcsResources.DEFAULT, 0));
		this.store.deletionFailed("8:acs:r_8", CREATED.plus(1, ChronoUnit.MINUTES));
		assertThat(this.store.pendingDeletionsDue(CREATED, 10)).isEmpty();
		Instant later = CREATED.plus(2, ChronoUnit.MINUTES);
		assertThat(this.store.pendingDeletionsDue(later, 10))
			.containsExactly(new PendingDeletion("8:acs:r_8", AcsResources.DEFAULT, 1));
		assertThat(this.store.claimDeletion("8:acs:r_8", later, later.plus(5, ChronoUnit.MINUTES))).isTrue();
		assertThat(this.store.claimDeletion("8:acs:r_8", later, later.plus(5, ChronoUnit.MINUTES)))
			.as("another instance cannot take it again")
			.isFalse();
		this.store.deletionDone("8:acs:r_8");
		assertThat(this.store.pendingDeletionsOf("fay")).isEmpty();
		assertThat(this.store.forgetAndQueueDeletion("fay", CREATED, CREATED)).isEmpty();
	}

	@Test
	void insertWhenErasedBeforeThenUserMayHaveANewIdentity() {
		this.store.insertIfAbsent(new StoredIdentity("gus", "8:acs:r_9", CREATED, null));
		this.store.forgetAndQueueDeletion("gus", CREATED, CREATED);

		assertThat(this.store.insertIfAbsent(new StoredIdentity("gus", "8:acs:r_10", CREATED, null))).isTrue();
	}

}
