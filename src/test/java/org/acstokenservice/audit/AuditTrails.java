package org.acstokenservice.audit;

import org.springframework.transaction.support.TransactionTemplate;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import org.springframework.jdbc.core.simple.JdbcClient;

import org.springframework.jdbc.core.JdbcTemplate;

import org.acstokenservice.ratelimit.InMemoryBucketStore;

import java.time.Duration;

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

	/**
	 * A trail on an H2 database through a real writer: reuse counts flushed by update or
	 * insert, a random pseudonym key, the buckets in memory.
	 */
	static AuditTrail onH2(JdbcTemplate jdbc, AuditWriter writer, MeterRegistry meters, Clock clock) {
		javax.sql.DataSource dataSource = java.util.Objects.requireNonNull(jdbc.getDataSource());
		ReuseHits reuseHits = new ReuseHits(
				new ReuseHitRows(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)), false),
				new ReuseHitProperties(Duration.ofHours(1), Duration.ofSeconds(10), false), clock, meters);
		JdbcClient client = JdbcClient.create(dataSource);
		return new AuditTrail(client, writer, reuseHits, false, new ErasedUsers(client, new ErasureProperties(null)),
				meters, clock, new InMemoryBucketStore());
	}

}
