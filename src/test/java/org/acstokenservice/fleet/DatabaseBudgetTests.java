package org.acstokenservice.fleet;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseBudgetTests {

	@Test
	void remainingWhenNoRequestThenUnbounded() {
		assertThat(DatabaseBudget.isOpen()).isFalse();
		assertThat(DatabaseBudget.remainingNanos()).isEqualTo(Long.MAX_VALUE);
		assertThat(DatabaseBudget.boundNanos(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1).toNanos());
	}

	@Test
	void remainingWhenNotWaitingThenNothingSpent() throws InterruptedException {
		try (DatabaseBudget.Scope budget = DatabaseBudget.open(Duration.ofSeconds(2))) {
			Thread.sleep(50);

			assertThat(DatabaseBudget.remainingNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
		}
		assertThat(DatabaseBudget.isOpen()).isFalse();
	}

	@Test
	void remainingWhenWaitsNestedThenCountedOnceAndAllTogether() throws InterruptedException {
		try (DatabaseBudget.Scope budget = DatabaseBudget.open(Duration.ofSeconds(2))) {
			try (DatabaseBudget.Wait connection = DatabaseBudget.waiting()) {
				try (DatabaseBudget.Wait statement = DatabaseBudget.waiting()) {
					Thread.sleep(100);
				}
				Thread.sleep(100);
			}
			long afterFirst = DatabaseBudget.remainingNanos();
			try (DatabaseBudget.Wait audit = DatabaseBudget.waiting()) {
				Thread.sleep(100);
				assertThat(DatabaseBudget.remainingNanos()).as("while waiting").isLessThan(afterFirst);
			}

			long spent = Duration.ofSeconds(2).toNanos() - DatabaseBudget.remainingNanos();
			assertThat(Duration.ofNanos(spent)).isBetween(Duration.ofMillis(300), Duration.ofMillis(1000));
			assertThat(DatabaseBudget.boundNanos(Duration.ofSeconds(2))).isEqualTo(DatabaseBudget.remainingNanos());
		}
	}

	@Test
	void waitingWhenClosedTwiceThenCountedOnce() throws InterruptedException {
		try (DatabaseBudget.Scope budget = DatabaseBudget.open(Duration.ofSeconds(2))) {
			DatabaseBudget.Wait wait = DatabaseBudget.waiting();
			Thread.sleep(20);
			wait.close();
			long remaining = DatabaseBudget.remainingNanos();
			Thread.sleep(20);
			wait.close();

			assertThat(DatabaseBudget.remainingNanos()).isEqualTo(remaining);
		}
	}

	@Test
	void openWhenNestedThenOuterBudgetBack() {
		try (DatabaseBudget.Scope outer = DatabaseBudget.open(Duration.ofSeconds(2))) {
			try (DatabaseBudget.Scope inner = DatabaseBudget.open(Duration.ofSeconds(1))) {
				assertThat(DatabaseBudget.remainingNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
			}
			assertThat(DatabaseBudget.remainingNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
		}
	}

}
