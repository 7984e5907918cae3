package org.acstokenservice.identity;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.acs.AcsGateway;
import org.acstokenservice.acs.AcsResources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.acstokenservice.identity.IdentityServiceTests.unavailable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Erasure and the retries of deletions at ACS, with ACS mocked and a real database: a
 * deletion is made once however the erasure and the retry job meet, and a failing one
 * backs off on the database's clock.
 */
class IdentityDeletionsTests {

	private final AcsGateway acs = mock(AcsGateway.class);

	private JdbcIdentityStore store;

	private IdentityDeletions deletions;

	@BeforeEach
	void setUp() {
		H2Stores database = H2Stores.migrated();
		this.store = database.store();
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		this.deletions = new IdentityDeletions(this.store, database.cache(),
				AcsResources.of(Map.of(AcsResources.DEFAULT, this.acs)), new ReusableTokens(false, 10, meters), meters);
	}

	@Test
	void eraseWhenRetryJobRunsMeanwhileThenDeletedAtAcsOnce() {
		this.store.insertIfAbsent(new StoredIdentity("kim", "8:acs:r_kim", now(), null));
		// The job's round on another instance runs while this erasure calls ACS.
		willAnswer((invocation) -> this.deletions.retryPendingDeletions()).given(this.acs)
			.deleteIdentity("8:acs:r_kim");

		assertThat(this.deletions.erase("kim")).isTrue();

		verify(this.acs, times(1)).deleteIdentity("8:acs:r_kim");
		assertThat(this.store.pendingDeletionsOf("kim")).isEmpty();
	}

	@Test
	void retryPendingDeletionsWhenAcsStillFailsThenBacksOffLongerEachTime() {
		this.store.insertIfAbsent(new StoredIdentity("dave", "8:acs:r_del", now(), null));
		this.store.forgetAndQueueDeletion("dave", now(), now());
		willThrow(unavailable()).given(this.acs).deleteIdentity("8:acs:r_del");

		assertThat(this.deletions.retryPendingDeletions()).isZero();
		assertThat(this.store.pendingDeletionsDue(now().plus(Duration.ofSeconds(29)), 10)).isEmpty();
		assertThat(this.store.pendingDeletionsDue(now().plus(Duration.ofSeconds(31)), 10)).hasSize(1)
			.allSatisfy((pending) -> assertThat(pending.attempts()).isEqualTo(1));
		assertThat(IdentityDeletions.backoff(1)).isEqualTo(Duration.ofMinutes(1));
		assertThat(IdentityDeletions.backoff(20)).isEqualTo(Duration.ofHours(1));
	}

	private static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

}
