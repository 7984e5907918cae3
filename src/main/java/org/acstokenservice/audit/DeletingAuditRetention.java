package org.acstokenservice.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Retention by one delete of every entry older than the retention: for H2, local mode's
 * one instance, whose trail stays small. On PostgreSQL a fleet's trail is too large for
 * it (see {@link PartitionedAuditRetention}).
 */
class DeletingAuditRetention implements AuditRetention {

	private static final Logger logger = LoggerFactory.getLogger(DeletingAuditRetention.class);

	private final JdbcClient jdbc;

	private final AuditWriter writer;

	private final Clock clock;

	private final Duration retention;

	DeletingAuditRetention(JdbcClient jdbc, AuditWriter writer, Clock clock, Duration retention) {
		this.jdbc = jdbc;
		this.writer = writer;
		this.clock = clock;
		this.retention = retention;
	}

	@Override
	public void enforce() {
		this.writer.flush();
		int purged = this.jdbc.sql("delete from audit_event where occurred_at < ?")
			.param(this.clock.instant().minus(this.retention).atOffset(ZoneOffset.UTC))
			.update();
		if (purged > 0) {
			logger.info("Purged {} audit entries older than {}", purged, this.retention);
		}
	}

}
