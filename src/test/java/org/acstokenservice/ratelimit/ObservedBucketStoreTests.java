package org.acstokenservice.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ObservedBucketStoreTests {

	private static final BucketLimit ONE_A_MINUTE = BucketLimit.exact(1, Duration.ofMinutes(1));

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private final ObservationRegistry observations = ObservationRegistry.create();

	ObservedBucketStoreTests() {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public void onStop(Observation.Context context) {
				ObservedBucketStoreTests.this.stopped.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}
		});
	}

	@Test
	void tryConsumeWhenTakenThenRefusedThenEachDecisionObservedByLimitWithoutTheKey() {
		ObservedBucketStore store = new ObservedBucketStore(new InMemoryBucketStore(), this.observations);

		assertThat(store.tryConsume("audit-refusal:alice", ONE_A_MINUTE)).isEmpty();
		assertThat(store.tryConsume("audit-refusal:alice", ONE_A_MINUTE)).isPresent();

		assertThat(this.stopped).extracting(Observation.Context::getContextualName)
			.containsExactly("bucket audit-refusal", "bucket audit-refusal");
		assertThat(this.stopped).extracting((context) -> value(context, "outcome")).containsExactly("taken", "refused");
		assertThat(this.stopped).allSatisfy((context) -> {
			assertThat(context.getName()).isEqualTo("acs.fleet.bucket.decisions");
			assertThat(value(context, "limit")).isEqualTo("audit-refusal");
			assertThat(context.getAllKeyValues()).noneMatch((keyValue) -> keyValue.getValue().contains("alice"));
		});
	}

	@Test
	void tryConsumeWhenStoreFailsThenObservedAsFailedAndThrown() {
		DataAccessResourceFailureException down = new DataAccessResourceFailureException("down");
		ObservedBucketStore store = new ObservedBucketStore((key, limit) -> {
			throw down;
		}, this.observations);

		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> store.tryConsume("acs-budget", ONE_A_MINUTE));

		assertThat(this.stopped).singleElement().satisfies((context) -> {
			assertThat(value(context, "limit")).isEqualTo("acs-budget");
			assertThat(value(context, "outcome")).isEqualTo("failed");
			assertThat(context.getError()).isSameAs(down);
		});
	}

	@Test
	void tryConsumeWhenSharedByLocalSharesThenDecidedUnobserved() {
		ObservedBucketStore store = new ObservedBucketStore(new InMemoryBucketStore(), this.observations);
		BucketLimit shared = BucketLimit.shared(1, Duration.ofMinutes(1));

		assertThat(store.tryConsume("token:alice", shared)).isEmpty();
		assertThat(store.tryConsume("token:alice", shared)).isPresent();

		assertThat(this.stopped).isEmpty();
	}

	@Test
	void limitNameWhenKeyHasPartsThenOnlyTheFirst() {
		assertThat(BucketDecisions.limitName("audit-refusal:TOKEN_ISSUE:alice")).isEqualTo("audit-refusal");
		assertThat(BucketDecisions.limitName("sign-in:2001:db8::/64")).isEqualTo("sign-in");
		assertThat(BucketDecisions.limitName("acs-budget")).isEqualTo("acs-budget");
	}

	private static String value(Observation.Context context, String key) {
		KeyValue keyValue = context.getLowCardinalityKeyValue(key);
		return (keyValue != null) ? keyValue.getValue() : null;
	}

}
