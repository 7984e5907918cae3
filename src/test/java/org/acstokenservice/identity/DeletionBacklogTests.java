package org.acstokenservice.identity;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.identity.JdbcIdentityStore.DeletionQueue;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

class DeletionBacklogTests {

	private final JdbcIdentityStore store = mock(JdbcIdentityStore.class);

	private final MeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void gaugesWhenScrapedThenLastReadingWithoutAQuery() {
		given(this.store.deletionQueue()).willReturn(new DeletionQueue(3, Duration.ofMinutes(90)));
		DeletionBacklog backlog = new DeletionBacklog(this.store, this.meters);
		backlog.read();

		assertThat(this.meters.get("acs.identity.deletions.pending").gauge().value()).isEqualTo(3.0);
		assertThat(this.meters.get("acs.identity.deletions.oldest").gauge().value()).isEqualTo(5400.0);
	}

	@Test
	void gaugesWhenNeverReadThenNothingWaitsAndScrapingReadsNothing() {
		new DeletionBacklog(this.store, this.meters);

		assertThat(this.meters.get("acs.identity.deletions.pending").gauge().value()).isZero();
		assertThat(this.meters.get("acs.identity.deletions.oldest").gauge().value()).isZero();
		verifyNoInteractions(this.store);
	}

	@Test
	void readWhenDatabaseUnavailableThenLastReadingStands() {
		given(this.store.deletionQueue()).willReturn(new DeletionQueue(1, Duration.ofSeconds(40)))
			.willThrow(new DataAccessResourceFailureException("down"));
		DeletionBacklog backlog = new DeletionBacklog(this.store, this.meters);
		backlog.read();

		backlog.read();

		assertThat(this.meters.get("acs.identity.deletions.pending").gauge().value()).isEqualTo(1.0);
		assertThat(this.meters.get("acs.identity.deletions.oldest").gauge().value()).isEqualTo(40.0);
	}

}
