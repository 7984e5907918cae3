package org.acstokenservice.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.testsupport.ManualChangeFeed;
import org.acstokenservice.testsupport.MutableClock;
import org.acstokenservice.acs.AcsException;
import org.acstokenservice.acs.AcsFailures;
import org.acstokenservice.acs.AcsGateway;
import org.acstokenservice.acs.AcsIdentityAndToken;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willDoNothing;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The identity service's handling of races and failures, with ACS mocked and a real
 * database: the cases that the end-to-end tests cannot time on purpose.
 */
@ExtendWith(OutputCaptureExtension.class)
class IdentityServiceTests {

	private static final Set<AcsScope> CHAT = Set.of(AcsScope.CHAT);

	private static final Duration HOUR = Duration.ofHours(1);

	private final AcsGateway acs = mock(AcsGateway.class);

	private final MutableClock clock = new MutableClock();

	private JdbcIdentityStore store;

	private JdbcClient jdbc;

	private IdentityService identities;

	@BeforeEach
	void setUp() {
		H2Stores database = H2Stores.migrated();
		this.store = database.store();
		this.jdbc = database.jdbc();
		this.identities = service(this.store, false, this.clock);
	}

	private AcsResources resources() {
		return AcsResources.of(Map.of(AcsResources.DEFAULT, this.acs));
	}

	private IdentityService service(JdbcIdentityStore store, boolean reuse, Clock clock) {
		return service(store, reuse, clock, H2Stores.localCache(store));
	}

	private IdentityService service(JdbcIdentityStore store, boolean reuse, Clock clock, IdentityCache cache) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ReusableTokens reusable = new ReusableTokens(reuse, 10, meters);
		return new IdentityService(store, cache, resources(), reusable,
				new IdentityDeletions(store, cache, resources(), reusable, meters), clock, meters);
	}

	@Test
	void issueTokenWhenStaleIdentityErasedDuringReplacementThenNewIdentityWithoutWaitingOnItself() {
		this.store.insertIfAbsent(new StoredIdentity("alice", "8:acs:r_old", now(), null));
		willThrow(notFound()).given(this.acs).issueToken(eq("8:acs:r_old"), any(), any());
		// While the replacement is made at ACS, the user erases the identity here.
		given(this.acs.createIdentityWithToken(any(), any())).willAnswer((invocation) -> {
			this.store.forgetAndQueueDeletion("alice", now(), now());
			return created("8:acs:r_new1");
		}).willReturn(created("8:acs:r_new2"));

		IssuedToken issued = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> this.identities.issueToken("alice", AcsResources.DEFAULT, CHAT, HOUR));

		assertThat(issued.communicationUserId()).isEqualTo("8:acs:r_new2");
		assertThat(this.store.findByAppUserId("alice", AcsResources.DEFAULT))
			.hasValueSatisfying((identity) -> assertThat(identity.communicationUserId()).isEqualTo("8:acs:r_new2"));
		verify(this.acs).deleteIdentity("8:acs:r_new1");
	}

	@Test
	void issueTokenWhenAcsSaysIdentityNotFoundThenReplacedAndOldOneQueuedForDeletion() {
		this.store.insertIfAbsent(new StoredIdentity("grace", "8:acs:r_gone", now(), null));
		willThrow(notFound()).given(this.acs).issueToken(eq("8:acs:r_gone"), any(), any());
		given(this.acs.createIdentityWithToken(any(), any())).willReturn(created("8:acs:r_fresh"));

		IssuedToken issued = this.identities.issueToken("grace", AcsResources.DEFAULT, CHAT, HOUR);

		assertThat(issued.communicationUserId()).isEqualTo("8:acs:r_fresh");
		assertThat(this.store.pendingDeletionsOf("grace"))
			.extracting(JdbcIdentityStore.PendingDeletion::communicationUserId)
			.containsExactly("8:acs:r_gone");
	}

	@Test
	void issueTokenWhenDatabaseFailsAfterCreationThenIdentityGivenBackAtAcs() {
		given(this.acs.createIdentityWithToken(any(), any())).willReturn(created("8:acs:r_orphan"));
		JdbcIdentityStore failing = mock(JdbcIdentityStore.class);
		given(failing.insertIfAbsent(any()))
			.willThrow(new org.springframework.dao.DataAccessResourceFailureException("down"));
		IdentityService service = service(failing, false, Clock.systemUTC());

		assertThatExceptionOfType(org.springframework.dao.DataAccessResourceFailureException.class)
			.isThrownBy(() -> service.issueToken("bob", AcsResources.DEFAULT, CHAT, HOUR));
		verify(this.acs).deleteIdentity("8:acs:r_orphan");
	}

	@Test
	void issueTokenWhenLostRaceAndSurplusDeletionFailsThenSurplusQueuedAndDeletedLater() {
		given(this.acs.createIdentityWithToken(any(), any())).willAnswer((invocation) -> {
			// Another instance stores the user's identity while this one creates its own.
			this.store.insertIfAbsent(new StoredIdentity("erin", "8:acs:r_winner", now(), null));
			return created("8:acs:r_surplus");
		});
		given(this.acs.issueToken(eq("8:acs:r_winner"), any(), any()))
			.willReturn(new AcsToken("token-winner", Instant.now().plus(HOUR)));
		willThrow(unavailable()).given(this.acs).deleteIdentity("8:acs:r_surplus");

		IssuedToken issued = this.identities.issueToken("erin", AcsResources.DEFAULT, CHAT, HOUR);

		assertThat(issued.communicationUserId()).isEqualTo("8:acs:r_winner");
		assertThat(this.store.pendingDeletionsDue(now().plus(HOUR), 10))
			.extracting(JdbcIdentityStore.PendingDeletion::communicationUserId)
			.containsExactly("8:acs:r_surplus");

		willDoNothing().given(this.acs).deleteIdentity("8:acs:r_surplus");
		// Deletions are scheduled on the database's clock: a minute passes there.
		this.jdbc.sql("update pending_acs_deletion set next_attempt_at = next_attempt_at - interval '1' minute")
			.update();
		assertThat(new IdentityDeletions(this.store, H2Stores.localCache(this.store), resources(),
				new ReusableTokens(false, 10, new SimpleMeterRegistry()), new SimpleMeterRegistry())
			.retryPendingDeletions()).isOne();
		assertThat(this.store.pendingDeletionsDue(now().plus(HOUR), 10)).isEmpty();
	}

	@Test
	void issueTokenWhenDatabaseFailsAfterCreationAndAcsDeletionFailsThenIdentityLoggedAsError(CapturedOutput output) {
		given(this.acs.createIdentityWithToken(any(), any())).willReturn(created("8:acs:r_stranded"));
		willThrow(unavailable()).given(this.acs).deleteIdentity("8:acs:r_stranded");
		JdbcIdentityStore failing = mock(JdbcIdentityStore.class);
		DataAccessResourceFailureException down = new DataAccessResourceFailureException("down");
		given(failing.insertIfAbsent(any())).willThrow(down);
		given(failing.databaseNow()).willReturn(Instant.now());
		willThrow(down).given(failing).queueDeletion(any(), any(), any(), any(), any());
		IdentityService service = service(failing, false, Clock.systemUTC());

		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> service.issueToken("frank", AcsResources.DEFAULT, CHAT, HOUR));
		verify(failing).queueDeletion(eq("8:acs:r_stranded"), eq("frank"), eq(AcsResources.DEFAULT), any(), any());
		assertThat(output).containsPattern("ERROR .*8:acs:r_stranded");
	}

	@Test
	void revokeWhenAcsNoLongerKnowsIdentityThenDone() {
		this.store.insertIfAbsent(new StoredIdentity("carol", "8:acs:r_gone", now(), null));
		willThrow(notFound()).given(this.acs).revokeTokens("8:acs:r_gone");

		assertThat(this.identities.revokeTokens("carol", AcsResources.DEFAULT)).isTrue();
		assertThat(this.store.findByAppUserId("carol", AcsResources.DEFAULT).map(StoredIdentity::tokensRevokedAt))
			.isPresent();
	}

	@Test
	void revokeWhenIdentityReplacedMeanwhileThenNewIdentityRevokedToo() {
		this.store.insertIfAbsent(new StoredIdentity("henry", "8:acs:r_before", now(), null));
		// While the revocation is on its way, another request replaces the identity.
		willAnswer((invocation) -> {
			this.store.replace(new StoredIdentity("henry", "8:acs:r_before", null, null),
					new StoredIdentity("henry", "8:acs:r_after", now(), null));
			throw notFound();
		}).given(this.acs).revokeTokens("8:acs:r_before");

		assertThat(this.identities.revokeTokens("henry", AcsResources.DEFAULT)).isTrue();

		verify(this.acs).revokeTokens("8:acs:r_after");
		assertThat(this.store.findByAppUserId("henry", AcsResources.DEFAULT)).hasValueSatisfying((identity) -> {
			assertThat(identity.communicationUserId()).isEqualTo("8:acs:r_after");
			assertThat(identity.tokensRevokedAt()).isNotNull();
		});
	}

	@Test
	void revokeWhenUserErasedMeanwhileThenAnsweredOnlyOnceEveryInstanceHeard() {
		ManualChangeFeed feed = new ManualChangeFeed();
		IdentityService service = service(this.store, false, this.clock,
				new IdentityCache(this.store, feed, Set.of(AcsResources.DEFAULT), 10, new SimpleMeterRegistry()));
		this.store.insertIfAbsent(new StoredIdentity("kate", "8:acs:r_kate", now(), null));
		AtomicLong erased = new AtomicLong();
		// While ACS revokes, the user erases her identity on another instance.
		willAnswer((invocation) -> {
			this.store.forgetAndQueueDeletion("kate", now(), now());
			erased.set(System.nanoTime());
			return null;
		}).given(this.acs).revokeTokens("8:acs:r_kate");

		assertThat(service.revokeTokens("kate", AcsResources.DEFAULT)).isTrue();

		assertThat(feed.awaited()).as("waited for a moment after the erasure and the first mark committed")
			.anySatisfy((committedAt) -> assertThat(committedAt).isGreaterThanOrEqualTo(erased.get()));
	}

	@Test
	void revokeWhenAcsTimesOutAfterRevokingThenTokenIssuedMeanwhileNotReused() {
		IdentityService reusing = reusingWithNewTokensFor("ivy");
		AtomicReference<String> meanwhile = new AtomicReference<>();
		willAnswer((invocation) -> {
			this.clock.advance(Duration.ofSeconds(10));
			IssuedToken issued = reusing.issueToken("ivy", AcsResources.DEFAULT, CHAT, HOUR);
			reusing.confirm(issued);
			meanwhile.set(issued.token().token());
			this.clock.advance(Duration.ofSeconds(10));
			// ACS revoked (that token too), but its answer never came back.
			throw unavailable();
		}).given(this.acs).revokeTokens("8:acs:r_ivy");

		assertThatExceptionOfType(AcsException.class)
			.isThrownBy(() -> reusing.revokeTokens("ivy", AcsResources.DEFAULT));
		this.clock.advance(Duration.ofSeconds(1));
		String after = reusing.issueToken("ivy", AcsResources.DEFAULT, CHAT, HOUR).token().token();

		assertThat(after).isNotEqualTo(meanwhile.get());
	}

	@Test
	void issueTokenWhenFreshThenReusedOnlyOnceConfirmed() {
		IdentityService reusing = reusingWithNewTokensFor("judy");

		IssuedToken first = reusing.issueToken("judy", AcsResources.DEFAULT, CHAT, HOUR);
		// Its audit row not committed yet: a request meanwhile gets a token of its own.
		IssuedToken meanwhile = reusing.issueToken("judy", AcsResources.DEFAULT, CHAT, HOUR);
		reusing.confirm(first);
		IssuedToken after = reusing.issueToken("judy", AcsResources.DEFAULT, CHAT, HOUR);

		assertThat(first.reused()).isFalse();
		assertThat(meanwhile.reused()).isFalse();
		assertThat(meanwhile.token().token()).isNotEqualTo(first.token().token());
		assertThat(after.reused()).isTrue();
		assertThat(after.token().token()).isEqualTo(first.token().token());
		verify(this.acs, times(2)).issueToken(eq("8:acs:r_judy"), any(), any());
	}

	/**
	 * A service that reuses tokens, with the user's identity ({@code 8:acs:r_<user>})
	 * stored and ACS issuing a new token for it on every call.
	 */
	private IdentityService reusingWithNewTokensFor(String user) {
		this.store.insertIfAbsent(new StoredIdentity(user, "8:acs:r_" + user, now(), null));
		given(this.acs.issueToken(eq("8:acs:r_" + user), any(), any()))
			.willAnswer((invocation) -> new AcsToken("token-" + UUID.randomUUID(), this.clock.instant().plus(HOUR)));
		return service(this.store, true, this.clock);
	}

	static AcsException notFound() {
		return AcsFailures.identityNotFound();
	}

	static AcsException unavailable() {
		return AcsFailures.unavailable(Duration.ofSeconds(5));
	}

	private static AcsIdentityAndToken created(String communicationUserId) {
		return new AcsIdentityAndToken(communicationUserId,
				new AcsToken("token-" + communicationUserId, Instant.now().plus(HOUR)));
	}

	private static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

}
