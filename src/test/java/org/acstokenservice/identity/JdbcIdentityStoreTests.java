package org.acstokenservice.identity;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

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
		this.store = new JdbcIdentityStore(JdbcClient.create(dataSource()));
	}

	@Test
	void findWhenStoredThenFoundByEitherKeyWithSameValues() {
		StoredIdentity alice = new StoredIdentity("alice", "8:acs:r_1", CREATED, null);

		assertThat(this.store.insertIfAbsent(alice)).isTrue();

		assertThat(this.store.findByAppUserId("alice")).contains(alice);
		assertThat(this.store.findByCommunicationUserId("8:acs:r_1")).contains(alice);
	}

	@Test
	void findWhenNothingStoredThenEmpty() {
		assertThat(this.store.findByAppUserId("nobody")).isEmpty();
		assertThat(this.store.findByCommunicationUserId("8:acs:r_404")).isEmpty();
	}

	@Test
	void insertWhenUserHasIdentityThenRefusedAndFirstKept() {
		this.store.insertIfAbsent(new StoredIdentity("alice", "8:acs:r_1", CREATED, null));

		boolean inserted = this.store
			.insertIfAbsent(new StoredIdentity("alice", "8:acs:r_2", CREATED.plus(1, ChronoUnit.SECONDS), null));

		assertThat(inserted).isFalse();
		assertThat(this.store.findByAppUserId("alice"))
			.hasValueSatisfying((identity) -> assertThat(identity.communicationUserId()).isEqualTo("8:acs:r_1"));
		assertThat(this.store.findByCommunicationUserId("8:acs:r_2")).isEmpty();
	}

	@Test
	void insertWhenIdentityMappedToAnotherUserThenRefused() {
		this.store.insertIfAbsent(new StoredIdentity("alice", "8:acs:r_1", CREATED, null));

		assertThat(this.store.insertIfAbsent(new StoredIdentity("bob", "8:acs:r_1", CREATED, null))).isFalse();
		assertThat(this.store.findByAppUserId("bob")).isEmpty();
	}

	@Test
	void findWhenRevokedAtStoredThenReadBackExactly() {
		Instant revoked = CREATED.plus(5, ChronoUnit.MINUTES);
		this.store.insertIfAbsent(new StoredIdentity("carol", "8:acs:r_3", CREATED, revoked));

		assertThat(this.store.findByAppUserId("carol"))
			.hasValueSatisfying((identity) -> assertThat(identity.tokensRevokedAt()).isEqualTo(revoked));
	}

}
