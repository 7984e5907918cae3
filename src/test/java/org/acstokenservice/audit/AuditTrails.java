package org.acstokenservice.audit;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.ratelimit.BucketStore;
import org.mockito.Mockito;

import org.springframework.test.context.bean.override.mockito.MockReset;

/** Audit trails for tests that need the trail's behaviour but not its database. */
public final class AuditTrails {

	private AuditTrails() {
	}

	/**
	 * The real trail, which runs the work it audits and decides what to record, with a
	 * writer that writes nothing: a Mockito spy, so that a test can stub a recording (a
	 * commit that fails) or check one, reset after each test like a {@code @MockitoBean}.
	 */
	public static AuditTrail writingNothing(MeterRegistry meters, BucketStore buckets) {
		AuditTrail real = new AuditTrail(null, Mockito.mock(AuditWriter.class), Mockito.mock(ReuseHits.class), false,
				Mockito.mock(ErasedUsers.class), meters, Clock.systemUTC(), buckets);
		return Mockito.mock(AuditTrail.class,
				MockReset.withSettings(MockReset.AFTER).spiedInstance(real).defaultAnswer(Mockito.CALLS_REAL_METHODS));
	}

}
