package org.acstokenservice.acs;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.emulator.AcsEmulatorSettings;
import org.acstokenservice.emulator.AcsLimit;
import org.acstokenservice.emulator.AcsOperation;
import org.acstokenservice.emulator.Fault;
import org.acstokenservice.emulator.LimitSettings;
import org.acstokenservice.ratelimit.WindowStore;
import org.acstokenservice.ratelimit.InMemoryWindowStore;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The ACS client as {@link AcsConfiguration} builds it (the real SDK over HTTPS to the
 * emulator, with the service's retries, time-outs, budget and circuit breaker) under the
 * faults a real ACS shows now and then. Each test builds the client alone, with the
 * settings it needs: the rest of the service plays no part.
 */
@IntegrationTest
class AcsClientTests {

	private static final Set<AcsScope> CHAT = Set.of(AcsScope.CHAT);

	private static final Duration HOUR = Duration.ofHours(1);

	private static AcsEmulator emulator;

	@BeforeAll
	static void startEmulator() {
		emulator = AcsEmulator.start(AcsEmulatorSettings.inMemory());
	}

	@AfterAll
	static void stopEmulator() {
		emulator.close();
	}

	@AfterEach
	void clearFaults() {
		emulator.faults().clear();
	}

	@Test
	void issueTokenWhenAcsSaysComeBackLaterThenUnavailableAtOnceWithItsRetryAfter() {
		withGateway((acs) -> {
			String identity = identity(acs);
			emulator.faults().injectNext(5, AcsOperation.ISSUE_TOKEN, Fault.status(503, Duration.ofSeconds(30)));

			assertUnavailable(() -> acs.issueToken(identity, CHAT, HOUR))
				.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
			assertThat(emulator.requestCount(AcsOperation.ISSUE_TOKEN)).as("not retried: the wait is too long").isOne();
		});
	}

	@Test
	void issueTokenWhenThrottledOnceWithoutRetryAfterThenRetriedAndIssued() {
		withGateway((acs) -> {
			String identity = identity(acs);
			emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(429));

			assertThat(emulator.isTokenValid(acs.issueToken(identity, CHAT, HOUR).token())).isTrue();
			assertThat(emulator.requestCount(AcsOperation.ISSUE_TOKEN)).isEqualTo(2);
		});
	}

	@Test
	void issueTokenWhenAcsKeepsFailingThenUnavailableWithRetryAfterThenRecovers() {
		withGateway((acs) -> {
			String identity = identity(acs);
			emulator.faults().injectNext(2, AcsOperation.ISSUE_TOKEN, Fault.status(500));

			assertUnavailable(() -> acs.issueToken(identity, CHAT, HOUR))
				.satisfies((ex) -> assertThat(ex.retryAfter()).isPositive());
			assertThat(acs.issueToken(identity, CHAT, HOUR).token()).isNotEmpty();
		});
	}

	@Test
	void issueTokenWhenAcsRefusesForItsOwnReasonThenRejected() {
		withGateway((acs) -> {
			String identity = identity(acs);
			emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(403));

			assertThatExceptionOfType(AcsException.class).isThrownBy(() -> acs.issueToken(identity, CHAT, HOUR))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(AcsException.Kind.REJECTED));
		});
	}

	@Test
	void issueTokenWhenAcsAnswers404WithoutIdentityNotFoundThenRejectedNotGone() {
		withGateway((acs) -> {
			String identity = identity(acs);
			// A 404 that is not ACS's IdentityNotFound: a proxy's, or a wrong path.
			emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.status(404));

			assertThatExceptionOfType(AcsException.class).isThrownBy(() -> acs.issueToken(identity, CHAT, HOUR))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(AcsException.Kind.REJECTED);
					assertThat(ex.status()).isEqualTo(404);
				});
		});
	}

	/**
	 * The join scopes exist from api-version 2023-10-01, which the service sends whatever
	 * its SDK would send; the emulator refuses them under older versions, as their
	 * specifications read.
	 */
	@Test
	void createAndIssueWhenJoinScopesThenAcceptedUnderTheApiVersionThatHasThem() {
		withGateway((acs) -> {
			Set<AcsScope> join = Set.of(AcsScope.CHAT_JOIN, AcsScope.CHAT_JOIN_LIMITED, AcsScope.VOIP_JOIN);
			AcsIdentityAndToken created = acs.createIdentityWithToken(join, HOUR);

			assertThat(emulator.isTokenValid(created.token().token())).isTrue();
			assertThat(emulator.isTokenValid(acs.issueToken(created.communicationUserId(), join, HOUR).token()))
				.isTrue();
		});
	}

	@Test
	void issueTokenWhenIdentityDeletedAtAcsThenIdentityNotFound() {
		withGateway((acs) -> {
			String identity = identity(acs);
			acs.deleteIdentity(identity);

			assertThatExceptionOfType(AcsException.class).isThrownBy(() -> acs.issueToken(identity, CHAT, HOUR))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(AcsException.Kind.IDENTITY_NOT_FOUND));
		});
	}

	@Test
	void issueTokenWhenAcsTooSlowThenUnavailable() {
		withGateway((acs) -> {
			String identity = identity(acs);
			emulator.faults().injectNext(2, AcsOperation.ISSUE_TOKEN, Fault.latency(Duration.ofSeconds(3)));

			assertUnavailable(() -> acs.issueToken(identity, CHAT, HOUR));
		});
	}

	@Test
	void issueTokenWhenConnectionDroppedOnceThenRetriedAndIssued() {
		withGateway((acs) -> {
			String identity = identity(acs);
			emulator.faults().injectNext(1, AcsOperation.ISSUE_TOKEN, Fault.drop());

			assertThat(acs.issueToken(identity, CHAT, HOUR).token()).isNotEmpty();
		});
	}

	@Test
	void createWhenAnswerLostThenRetriedAsOneIdentity() {
		withGateway((acs) -> {
			int before = emulator.liveIdentityCount();
			emulator.faults().injectNext(1, AcsOperation.CREATE_IDENTITY, Fault.dropAfterProcessing());

			AcsIdentityAndToken created = acs.createIdentityWithToken(CHAT, HOUR);

			assertThat(emulator.requestCount(AcsOperation.CREATE_IDENTITY)).isEqualTo(2);
			assertThat(emulator.liveIdentityCount()).isEqualTo(before + 1);
			assertThat(emulator.identityExists(created.communicationUserId())).isTrue();
		});
	}

	@Test
	void callWhenBudgetSpentThenUnavailableUnsent() {
		withGateway((acs) -> {
			String identity = identity(acs);
			acs.issueToken(identity, CHAT, HOUR);
			acs.issueToken(identity, CHAT, HOUR);
			long sent = emulator.requestCount(AcsOperation.ISSUE_TOKEN);

			assertUnavailable(() -> acs.issueToken(identity, CHAT, HOUR))
				.satisfies((ex) -> assertThat(ex.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(5)));
			assertThat(emulator.requestCount(AcsOperation.ISSUE_TOKEN)).as("held back, not sent").isEqualTo(sent);
		}, "acs.budget.calls=3", "acs.budget.period=1h");
	}

	@Test
	void circuitBreakerWhenAcsFailsThenOpensFailsFastAndClosesWhenAcsIsBack() {
		client()
			.withPropertyValues("acs.client.max-retries=0", "acs.circuit-breaker.sliding-window-size=4",
					"acs.circuit-breaker.minimum-number-of-calls=4", "acs.circuit-breaker.wait-in-open-state=1s",
					"acs.circuit-breaker.permitted-calls-in-half-open-state=1")
			.run((context) -> {
				AcsGateway acs = context.getBean(AcsResources.class).gateway(AcsResources.DEFAULT);
				AcsHealthIndicator health = context.getBean(AcsHealthIndicator.class);
				String identity = identity(acs);
				emulator.faults().injectShare(1.0, AcsOperation.ISSUE_TOKEN, Fault.status(500));
				for (int i = 0; i < 4; i++) {
					assertUnavailable(() -> acs.issueToken(identity, CHAT, HOUR));
				}
				assertThat(circuitState(health)).isEqualTo("OPEN");
				long callsBefore = emulator.requestCount(AcsOperation.ISSUE_TOKEN);

				assertUnavailable(() -> acs.issueToken(identity, CHAT, HOUR))
					.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
				assertThat(emulator.requestCount(AcsOperation.ISSUE_TOKEN)).as("ACS not called while open")
					.isEqualTo(callsBefore);

				emulator.faults().clear();
				awaitState(health, "HALF_OPEN");
				assertThat(acs.issueToken(identity, CHAT, HOUR).token()).isNotEmpty();
				assertThat(circuitState(health)).isEqualTo("CLOSED");
			});
	}

	@Test
	void issueTokenWhenAcsThrottlesForLongThenUnavailableWithItsRetryAfterAndBreakerStaysClosed() {
		try (AcsEmulator throttling = AcsEmulator
			.start(AcsEmulatorSettings.inMemory().withLimits(LimitSettings.acs().withLimit(AcsLimit.ISSUE_TOKEN, 2)))) {
			client(throttling)
				.withPropertyValues("acs.circuit-breaker.minimum-number-of-calls=4",
						"acs.circuit-breaker.sliding-window-size=4")
				.run((context) -> {
					AcsGateway acs = context.getBean(AcsResources.class).gateway(AcsResources.DEFAULT);
					String identity = acs.createIdentityWithToken(CHAT, HOUR).communicationUserId();
					acs.issueToken(identity, CHAT, HOUR);
					acs.issueToken(identity, CHAT, HOUR);

					for (int i = 0; i < 6; i++) {
						assertUnavailable(() -> acs.issueToken(identity, CHAT, HOUR)).satisfies((ex) -> {
							assertThat(ex.status()).isEqualTo(429);
							assertThat(ex.retryAfter()).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
						});
					}

					assertThat(acs.circuitState()).as("throttling is not ACS down").isEqualTo("CLOSED");
					assertThat(throttling.limits().usage(AcsLimit.ISSUE_TOKEN).totalThrottled())
						.as("not retried: the wait is too long")
						.isEqualTo(6);
				});
		}
	}

	@Test
	void issueTokenWhenAcsThrottlesBrieflyThenRetriedWithinTheRequestAndIssued() {
		try (AcsEmulator throttling = AcsEmulator.start(AcsEmulatorSettings.inMemory()
			.withLimits(LimitSettings.acs().withWindow(Duration.ofSeconds(1)).withLimit(AcsLimit.ISSUE_TOKEN, 1)))) {
			client(throttling).run((context) -> {
				AcsGateway acs = context.getBean(AcsResources.class).gateway(AcsResources.DEFAULT);
				String identity = acs.createIdentityWithToken(CHAT, HOUR).communicationUserId();
				acs.issueToken(identity, CHAT, HOUR);

				assertThat(acs.issueToken(identity, CHAT, HOUR).token()).isNotEmpty();
				assertThat(throttling.limits().usage(AcsLimit.ISSUE_TOKEN).totalThrottled())
					.as("throttled once, then retried after ACS's Retry-After")
					.isEqualTo(1);
			});
		}
	}

	/**
	 * Runs the work against a gateway built as the service builds it, with quick retries
	 * and a breaker that never opens unless the properties say otherwise; request counts
	 * start at zero.
	 */
	private static void withGateway(Consumer<AcsGateway> work, String... properties) {
		client().withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			work.accept(context.getBean(AcsResources.class).gateway(AcsResources.DEFAULT));
		});
	}

	/** The ACS client alone, pointed at the emulator; later properties override these. */
	private static ApplicationContextRunner client() {
		return client(emulator);
	}

	private static ApplicationContextRunner client(AcsEmulator emulator) {
		return new ApplicationContextRunner().withUserConfiguration(AcsConfiguration.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(WindowStore.class, InMemoryWindowStore::new)
			.withBean(AcsConnectionDetails.class,
					() -> AcsConnectionDetails.ofConnectionString(emulator.connectionString(), emulator.certificate()))
			.withPropertyValues("acs.client.max-retries=1", "acs.client.retry-delay=50ms",
					"acs.client.response-timeout=1s", "acs.client.max-retry-after=1s",
					"acs.circuit-breaker.minimum-number-of-calls=1000");
	}

	/** A new identity at ACS; request counts start from zero after it. */
	private static String identity(AcsGateway acs) {
		String identity = acs.createIdentityWithToken(CHAT, HOUR).communicationUserId();
		emulator.resetRequestCounts();
		return identity;
	}

	private static org.assertj.core.api.ThrowableAssertAlternative<AcsException> assertUnavailable(Runnable call) {
		return assertThatExceptionOfType(AcsException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(AcsException.Kind.UNAVAILABLE));
	}

	private static String circuitState(AcsHealthIndicator health) {
		Health status = health.health();
		return String.valueOf(status.getDetails().get("circuitBreaker"));
	}

	private static void awaitState(AcsHealthIndicator health, String state) {
		Instant deadline = Instant.now().plusSeconds(10);
		while (!state.equals(circuitState(health)) && Instant.now().isBefore(deadline)) {
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		assertThat(circuitState(health)).isEqualTo(state);
	}

}
