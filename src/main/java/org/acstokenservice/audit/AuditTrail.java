package org.acstokenservice.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.acs.AcsException;
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

	private final JdbcClient jdbc;

	private final AuditWriter writer;

	private final MeterRegistry meters;

	private final Clock clock;

	/** Actions that change things here even when ACS fails them. */
	private static final Set<AuditEvent.Action> CHANGES_WHEN_FAILED = EnumSet.of(AuditEvent.Action.TOKEN_REVOKE,
			AuditEvent.Action.IDENTITY_ERASE);

	private final RepeatedRefusals refusals;

	private final Map<AuditEvent.Action, Counter> rateLimited = new ConcurrentHashMap<>();

	/** One counter per action, outcome and reason, built once: reasons are few. */
	private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

	private final ReuseHits reuseHits;

	private final boolean logReuseHits;

	private final ErasedUsers erasedUsers;

	AuditTrail(JdbcClient jdbc, AuditWriter writer, ReuseHits reuseHits, boolean logReuseHits, ErasedUsers erasedUsers,
			MeterRegistry meters, Clock clock, BucketStore recordedRefusals) {
		this.jdbc = jdbc;
		this.erasedUsers = erasedUsers;
		this.reuseHits = reuseHits;
		this.logReuseHits = logReuseHits;
		this.writer = writer;
		this.meters = meters;
		this.clock = clock;
		this.refusals = new RepeatedRefusals(recordedRefusals, meters);
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
		T result;
		try {
			result = run(notes, work);
		}
		catch (AcsException ex) {
			// An erasure that ACS failed has forgotten the user here all the same.
			forgetIfErased(entry, ex);
			throw ex;
		}
		if (notes.isReused()) {
			reused(notes.entry(), notes.communicationUserId());
		}
		else if (notes.isChangedNothing()) {
			succeeded(notes.entry(), notes.communicationUserId());
		}
		else {
			changed(notes.entry(), notes.communicationUserId());
		}
		forgetIfErased(entry, null);
		return result;
	}

	/**
	 * After an erasure, no row names the user ({@link ErasedUsers}); when the database
	 * does not take it, the request fails (503) and the erasure may be asked again.
	 */
	private void forgetIfErased(AuditEntry entry, @Nullable RuntimeException failure) {
		String user = entry.subject();
		if (entry.action() != AuditEvent.Action.IDENTITY_ERASE || user == null) {
			return;
		}
		try {
			flush(user);
			this.erasedUsers.forget(user);
		}
		catch (DataAccessException ex) {
			if (failure == null) {
				throw ex;
			}
			failure.addSuppressed(ex);
		}
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
	 * Counts a token handed back again in its user's row for the period (and, when
	 * {@code token-service.audit.reuse-hits.log} says so, logs it): no row of its own.
	 */
	public void reused(AuditEntry entry, @Nullable String communicationUserId) {
		this.reuseHits.count(entry, communicationUserId);
		AuditEvent event = new AuditEvent(this.clock.instant(), AuditEvent.Action.TOKEN_REUSE,
				AuditEvent.Outcome.SUCCESS, entry.actor(), entry.subject(), communicationUserId, null, entry.detail(),
				entry.resource());
		count(event);
		if (this.logReuseHits) {
			AuditWriter.log(event);
		}
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
			if (!this.refusals.firstInWindow(entry, reason(ex), limited, problem.retryAfter())) {
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
		AuditEvent event = recorded.fitted();
		if (beforeAnswer) {
			this.writer.writeAndWait(event);
		}
		else {
			this.writer.write(event);
		}
		count(event);
	}

	private void count(AuditEvent event) {
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
		flush(subject);
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

	/** Writes what this instance queued, and the subject's reuse counts. */
	void flush(String subject) {
		this.writer.flush();
		this.reuseHits.flush(subject);
	}

	private record CounterKey(AuditEvent.Action action, AuditEvent.Outcome outcome, @Nullable String reason) {
	}

}
