package org.acstokenservice.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.acs.AcsException;
import org.acstokenservice.ratelimit.BucketLimit;
import org.acstokenservice.ratelimit.BucketStore;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Records what the service did for whom: a row in {@code audit_event}, a structured log
 * event (its fields become JSON members with Boot's structured logging), and a count in
 * {@code acs.audit.events} by action, outcome and reason.
 */
public class AuditTrail {

	private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

	private final JdbcClient jdbc;

	private final AuditWriter writer;

	private final MeterRegistry meters;

	private final Clock clock;

	private static final Duration MIN_LIMIT_WINDOW = Duration.ofSeconds(1);

	/** How often the same refusal of the same user is written at most, but for limits. */
	static final Duration REPEATED_REFUSAL_WINDOW = Duration.ofMinutes(1);

	/** Actions that change things here even when ACS fails them. */
	private static final Set<AuditEvent.Action> CHANGES_WHEN_FAILED = EnumSet.of(AuditEvent.Action.TOKEN_REVOKE,
			AuditEvent.Action.IDENTITY_ERASE);

	/**
	 * One refusal per window recorded, by actor and action: in the shared buckets, so
	 * that the fleet records it once, not once per instance.
	 */
	private final BucketStore recordedRefusals;

	private final Map<AuditEvent.Action, Counter> rateLimited = new ConcurrentHashMap<>();

	private final Map<AuditEvent.Action, Counter> repeated = new ConcurrentHashMap<>();

	/** One counter per action, outcome and reason, built once: reasons are few. */
	private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

	AuditTrail(JdbcClient jdbc, AuditWriter writer, MeterRegistry meters, Clock clock, BucketStore recordedRefusals) {
		this.jdbc = jdbc;
		this.writer = writer;
		this.meters = meters;
		this.clock = clock;
		this.recordedRefusals = recordedRefusals;
	}

	/**
	 * Does the work of a request that changes something or obtains something new from
	 * ACS, and records how it ended: a refusal or an ACS failure as {@link #refused}, a
	 * success as {@link #changed}, committed before this returns (or as
	 * {@link #succeeded} when the work noted that it changed nothing after all).
	 * @return what the work returned
	 * @throws org.springframework.dao.DataAccessResourceFailureException when the
	 * database did not take a success's row in time: the request must then fail rather
	 * than answer unrecorded
	 */
	public <T> T change(AuditEntry entry, AuditedWork<T> work) {
		AuditNotes notes = new AuditNotes(entry);
		T result = run(notes, work);
		if (notes.isChangedNothing()) {
			succeeded(notes.entry(), notes.communicationUserId());
		}
		else {
			changed(notes.entry(), notes.communicationUserId());
		}
		return result;
	}

	/**
	 * {@link #change(AuditEntry, AuditedWork)} for work that returns nothing, such as an
	 * erasure, as Spring's {@code TransactionTemplate.executeWithoutResult} is for
	 * transactions.
	 * @throws org.springframework.dao.DataAccessResourceFailureException as
	 * {@link #change(AuditEntry, AuditedWork)}
	 */
	public void changeWithoutResult(AuditEntry entry, Consumer<AuditNotes> work) {
		change(entry, (notes) -> {
			work.accept(notes);
			return notes;
		});
	}

	/**
	 * Does the work of a request that changes nothing and obtains nothing new from ACS (a
	 * look-up), and records how it ended: a refusal as {@link #refused}, a success as
	 * {@link #succeeded}, written after the answer.
	 * @return what the work returned
	 */
	public <T> T lookUp(AuditEntry entry, AuditedWork<T> work) {
		AuditNotes notes = new AuditNotes(entry);
		T result = run(notes, work);
		succeeded(notes.entry(), notes.communicationUserId());
		return result;
	}

	private <T> T run(AuditNotes notes, AuditedWork<T> work) {
		try {
			return work.run(notes);
		}
		catch (RuntimeException ex) {
			refused(notes.entry(), ex);
			throw ex;
		}
	}

	/**
	 * Records that the request was done, for a request that changed nothing and obtained
	 * nothing new from ACS (a look-up, a token handed back again): the row is written
	 * within {@code token-service.audit.flush-interval}, and the request may be answered
	 * before.
	 * @param communicationUserId the ACS identity it concerned, if known
	 */
	public void succeeded(AuditEntry entry, @Nullable String communicationUserId) {
		record(new AuditEvent(this.clock.instant(), entry.action(), AuditEvent.Outcome.SUCCESS, entry.actor(),
				entry.subject(), communicationUserId, null, entry.detail(), entry.resource()), false);
	}

	/**
	 * Records that the request was done, for a request that changed something or obtained
	 * something new from ACS (a token issued, an identity created, a revocation, an
	 * erasure, a Teams exchange), and returns only once the row is committed: a process
	 * killed at any instant leaves no such answer unrecorded.
	 * @param communicationUserId the ACS identity it concerned, if known
	 * @throws org.springframework.dao.DataAccessResourceFailureException when the
	 * database did not take the row within {@code token-service.audit.max-wait}: the
	 * request must then fail (503 {@code database_unavailable}) rather than answer
	 * unrecorded
	 */
	public void changed(AuditEntry entry, @Nullable String communicationUserId) {
		record(new AuditEvent(this.clock.instant(), entry.action(), AuditEvent.Outcome.SUCCESS, entry.actor(),
				entry.subject(), communicationUserId, null, entry.detail(), entry.resource()), true);
	}

	/**
	 * Records how a request ended that threw: a refusal ({@link ProblemException}) as
	 * denied with its reason, an ACS failure as failed. Anything else (the database
	 * failing, say) is left to the error handler, unrecorded, since recording would need
	 * the same database.
	 */
	public void refused(AuditEntry entry, RuntimeException ex) {
		if (ex instanceof ProblemException problem) {
			boolean limited = problem.errorCode() == ErrorCode.RATE_LIMITED;
			if (limited) {
				this.rateLimited
					.computeIfAbsent(entry.action(), (action) -> Counter.builder("acs.rate_limited")
						.description("Requests refused by a per-user limit, by action; every one, audited or not")
						.tag("action", action.name().toLowerCase())
						.register(this.meters))
					.increment();
			}
			if (!firstInWindow(entry, reason(ex), limited ? BucketLimit.exact(1, limitWindow(problem.retryAfter()))
					: BucketLimit.shared(1, REPEATED_REFUSAL_WINDOW))) {
				this.repeated
					.computeIfAbsent(entry.action(),
							(action) -> Counter.builder("acs.audit.refusals.repeated")
								.description("Refusals not written, by action: the same refusal of the same user "
										+ "was written earlier in its window")
								.tag("action", action.name().toLowerCase())
								.register(this.meters))
					.increment();
				return;
			}
		}
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
		AuditEvent event = new AuditEvent(this.clock.instant(), entry.action(), outcome, entry.actor(), entry.subject(),
				null, reason(ex), entry.detail(), entry.resource());
		if (outcome == AuditEvent.Outcome.FAILED && CHANGES_WHEN_FAILED.contains(entry.action())) {
			/*
			 * An erasure or revocation that ACS failed has changed things here already
			 * (the mapping forgotten, the generation raised): recorded before the error
			 * answer.
			 */
			try {
				record(event, true);
			}
			catch (DataAccessException failure) {
				ex.addSuppressed(failure);
			}
			return;
		}
		record(event, false);
	}

	/**
	 * Whether this is the first refusal for the entry's actor and action with this reason
	 * in the window: a user held back by a limit, or refused the same way again (an
	 * unknown scope, a lifetime too long, not eligible, in no resource), is recorded once
	 * per window, not once per further request, so that one signed-in client in a loop
	 * cannot grow the table and the log at its request rate; the metrics count every
	 * refusal.
	 * <p>
	 * A limit's refusal came from a bucket already, so the fleet records it exactly once
	 * (an exact bucket; further refusals come from memory). Any other refusal is decided
	 * from this instance's share alone ({@code oncePerWindow} shared), so that it never
	 * waits on the database: a 4xx stays immediate while the database is slow or out, at
	 * the price of a row per instance and window.
	 */
	private boolean firstInWindow(AuditEntry entry, String reason, BucketLimit oncePerWindow) {
		try {
			return this.recordedRefusals
				.tryConsume("audit-refusal:" + entry.action() + ':' + reason + ':' + entry.actor(), oncePerWindow)
				.isEmpty();
		}
		catch (DataAccessException ex) {
			// Better a row too many than a refusal lost.
			return true;
		}
	}

	private static Duration limitWindow(@Nullable Duration retryAfter) {
		return (retryAfter != null && retryAfter.compareTo(MIN_LIMIT_WINDOW) > 0) ? retryAfter : MIN_LIMIT_WINDOW;
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

	/**
	 * Records an event: counted at once, written to the database and the log by the
	 * {@link AuditWriter}, within {@code token-service.audit.flush-interval} or, when
	 * {@code beforeAnswer}, before this returns.
	 */
	void record(AuditEvent recorded, boolean beforeAnswer) {
		AuditEvent event = new AuditEvent(recorded.occurredAt(), recorded.action(), recorded.outcome(),
				fit(recorded.actor(), 255), fit(recorded.subject(), 255), fit(recorded.communicationUserId(), 512),
				fit(recorded.reason(), 64), fit(recorded.detail(), 512), recorded.resource());
		if (beforeAnswer) {
			this.writer.writeAndWait(event);
		}
		else {
			this.writer.write(event);
		}
		this.counters
			.computeIfAbsent(new CounterKey(event.action(), event.outcome(), event.reason()),
					(key) -> Counter.builder("acs.audit.events")
						.description("Audited actions by action, outcome and reason")
						.tag("action", key.action().name().toLowerCase())
						.tag("outcome", key.outcome().name().toLowerCase())
						.tag("reason", (key.reason() != null) ? key.reason() : "none")
						.register(this.meters))
			.increment();
	}

	/**
	 * The newest entries about an app user, newest first, including every entry that this
	 * instance recorded before the call.
	 */
	public List<AuditEvent> recent(String subject, int limit) {
		this.writer.flush();
		return this.jdbc
			.sql("select occurred_at, action, outcome, actor, subject, communication_user_id, reason, detail, "
					+ "resource from audit_event where subject = ? order by occurred_at desc, id desc fetch first "
					+ limit + " rows only")
			.param(subject)
			.query((rs, row) -> new AuditEvent(rs.getObject("occurred_at", java.time.OffsetDateTime.class).toInstant(),
					AuditEvent.Action.valueOf(rs.getString("action")),
					AuditEvent.Outcome.valueOf(rs.getString("outcome")), rs.getString("actor"), rs.getString("subject"),
					rs.getString("communication_user_id"), rs.getString("reason"), rs.getString("detail"),
					rs.getString("resource")))
			.list();
	}

	private record CounterKey(AuditEvent.Action action, AuditEvent.Outcome outcome, @Nullable String reason) {
	}

	/**
	 * Fits a value to its column. Control characters go: some values come from requests,
	 * and a line break in one could forge a log line.
	 */
	private static @Nullable String fit(@Nullable String value, int max) {
		if (value == null) {
			return null;
		}
		String clean = CONTROL.matcher(value).replaceAll("?");
		return (clean.length() <= max) ? clean : clean.substring(0, max);
	}

}
