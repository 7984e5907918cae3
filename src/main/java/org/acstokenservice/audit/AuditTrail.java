package org.acstokenservice.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

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

	/**
	 * Records that the request was done.
	 * @param communicationUserId the ACS identity it concerned, if known
	 */
	public void succeeded(AuditEntry entry, String communicationUserId) {
		record(new AuditEvent(this.clock.instant(), entry.action(), AuditEvent.Outcome.SUCCESS, entry.actor(),
				entry.subject(), communicationUserId, null, entry.detail()));
	}

	/**
	 * Records how a request ended that threw: a refusal ({@link ProblemException}) as
	 * denied with its reason, an ACS failure as failed. Anything else (the database
	 * failing, say) is left to the error handler, unrecorded, since recording would need
	 * the same database.
	 */
	public void refused(AuditEntry entry, RuntimeException ex) {
		AuditEvent.Outcome outcome;
		if (ex instanceof ProblemException) {
			outcome = AuditEvent.Outcome.DENIED;
		}
		else if (ex instanceof AcsException) {
			outcome = AuditEvent.Outcome.FAILED;
		}
		else {
			return;
		}
		record(new AuditEvent(this.clock.instant(), entry.action(), outcome, entry.actor(), entry.subject(), null,
				reason(ex), entry.detail()));
	}

	/**
	 * The reason a request did not succeed, for the audit trail and metrics: the policy's
	 * reason when it gave one, such as {@code denied_user}; else the error code; for an
	 * ACS failure its class, such as {@code acs_unavailable}.
	 */
	public static String reason(RuntimeException ex) {
		if (ex instanceof ProblemException problem) {
			Object reason = problem.properties().get("reason");
			return (reason instanceof String text) ? text : problem.errorCode().code();
		}
		if (ex instanceof AcsException acs) {
			return "acs_" + acs.kind().name().toLowerCase();
		}
		return "internal_error";
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
