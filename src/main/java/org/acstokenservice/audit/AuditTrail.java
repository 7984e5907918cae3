package org.acstokenservice.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.acs.AcsException;
import org.acstokenservice.system.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Records what the service did for whom: a row in {@code audit_event}, a structured log
 * event (its fields become JSON members with Boot's structured logging), and a count in
 * {@code acs.audit.events} by action, outcome and reason.
 */
public class AuditTrail {

	private static final Logger logger = LoggerFactory.getLogger("audit");

	private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

	private final JdbcClient jdbc;

	private final MeterRegistry meters;

	private final Clock clock;

	AuditTrail(JdbcClient jdbc, MeterRegistry meters, Clock clock) {
		this.jdbc = jdbc;
		this.meters = meters;
		this.clock = clock;
	}

	public void success(AuditEvent.Action action, String actor, String subject, String communicationUserId,
			String detail) {
		record(new AuditEvent(this.clock.instant(), action, AuditEvent.Outcome.SUCCESS, actor, subject,
				communicationUserId, null, detail));
	}

	public void denied(AuditEvent.Action action, String actor, String subject, String reason, String detail) {
		record(new AuditEvent(this.clock.instant(), action, AuditEvent.Outcome.DENIED, actor, subject, null, reason,
				detail));
	}

	public void failed(AuditEvent.Action action, String actor, String subject, String reason, String detail) {
		record(new AuditEvent(this.clock.instant(), action, AuditEvent.Outcome.FAILED, actor, subject, null, reason,
				detail));
	}

	/**
	 * Does the work and records how it ended: a refusal ({@link ProblemException}) as
	 * denied with its reason, an ACS failure as failed.
	 * @param identityOf the ACS identity the result concerns, for the record
	 */
	public <T> T around(AuditEvent.Action action, String actor, String subject, String detail, Supplier<T> work,
			Function<T, String> identityOf) {
		try {
			T result = work.get();
			success(action, actor, subject, identityOf.apply(result), detail);
			return result;
		}
		catch (ProblemException ex) {
			denied(action, actor, subject, reason(ex), detail);
			throw ex;
		}
		catch (AcsException ex) {
			failed(action, actor, subject, reason(ex), detail);
			throw ex;
		}
	}

	/**
	 * The policy's reason when it gave one, such as {@code denied_user}; else the error
	 * code.
	 */
	public static String reason(ProblemException ex) {
		Object reason = ex.properties().get("reason");
		return (reason instanceof String text) ? text : ex.errorCode().code();
	}

	/** The class of an ACS failure, such as {@code acs_unavailable}. */
	public static String reason(AcsException ex) {
		return "acs_" + ex.kind().name().toLowerCase();
	}

	public void record(AuditEvent recorded) {
		AuditEvent event = new AuditEvent(recorded.occurredAt(), recorded.action(), recorded.outcome(),
				fit(recorded.actor(), 255), fit(recorded.subject(), 255), fit(recorded.communicationUserId(), 512),
				fit(recorded.reason(), 64), fit(recorded.detail(), 512));
		this.jdbc
			.sql("insert into audit_event (occurred_at, action, outcome, actor, subject, communication_user_id, "
					+ "reason, detail) values (?, ?, ?, ?, ?, ?, ?, ?)")
			.param(event.occurredAt().atOffset(ZoneOffset.UTC))
			.param(event.action().name())
			.param(event.outcome().name())
			.param(event.actor())
			.param(event.subject())
			.param(event.communicationUserId())
			.param(event.reason())
			.param(event.detail())
			.update();
		LoggingEventBuilder log = (event.outcome() == AuditEvent.Outcome.SUCCESS) ? logger.atInfo() : logger.atWarn();
		log.addKeyValue("audit.action", event.action())
			.addKeyValue("audit.outcome", event.outcome())
			.addKeyValue("audit.actor", event.actor())
			.addKeyValue("audit.subject", event.subject())
			.addKeyValue("audit.communicationUserId", event.communicationUserId())
			.addKeyValue("audit.reason", event.reason())
			.addKeyValue("audit.detail", event.detail())
			.log("{} {} for {}{}", event.action(), event.outcome(), event.subject(),
					(event.reason() != null) ? ": " + event.reason() : "");
		Counter.builder("acs.audit.events")
			.description("Audited actions by action, outcome and reason")
			.tag("action", event.action().name().toLowerCase())
			.tag("outcome", event.outcome().name().toLowerCase())
			.tag("reason", (event.reason() != null) ? event.reason() : "none")
			.register(this.meters)
			.increment();
	}

	/** The newest entries about an app user, newest first. */
	public List<AuditEvent> recent(String subject, int limit) {
		return this.jdbc
			.sql("select occurred_at, action, outcome, actor, subject, communication_user_id, reason, detail "
					+ "from audit_event where subject = ? order by occurred_at desc, id desc fetch first " + limit
					+ " rows only")
			.param(subject)
			.query((rs, row) -> new AuditEvent(rs.getObject("occurred_at", java.time.OffsetDateTime.class).toInstant(),
					AuditEvent.Action.valueOf(rs.getString("action")),
					AuditEvent.Outcome.valueOf(rs.getString("outcome")), rs.getString("actor"), rs.getString("subject"),
					rs.getString("communication_user_id"), rs.getString("reason"), rs.getString("detail")))
			.list();
	}

	/**
	 * Deletes entries older than the retention.
	 * @return how many were deleted
	 */
	int purgeOlderThan(Instant cutoff) {
		return this.jdbc.sql("delete from audit_event where occurred_at < ?")
			.param(cutoff.atOffset(ZoneOffset.UTC))
			.update();
	}

	/**
	 * Fits a value to its column. Control characters go: some values come from requests,
	 * and a line break in one could forge a log line.
	 */
	private static String fit(String value, int max) {
		if (value == null) {
			return null;
		}
		String clean = CONTROL.matcher(value).replaceAll("?");
		return (clean.length() <= max) ? clean : clean.substring(0, max);
	}

}
