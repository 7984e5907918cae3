package org.acstokenservice.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A data subject's audit trail, as they (Article 15) or an admin read it: the rows about
 * one app user, newest first, a page at a time. A page ends with a cursor for the next,
 * the last row's time and id, so that rows written meanwhile neither repeat nor shift a
 * page. A user's rows are few (one reuse row per hour they were active, and their other
 * actions): the subject index finds them.
 */
public class SubjectTrail {

	/** The most rows a page holds. */
	public static final int MAX_PAGE_SIZE = 200;

	private static final Pattern CURSOR = Pattern.compile("(-?\\d{1,19})\\.(\\d{1,19})");

	private static final String SELECT = """
			select id, coalesce(last_occurred_at, occurred_at) as at, action, outcome, actor, subject,
			       communication_user_id, reason, detail, resource, occurrences, first_occurred_at
			from audit_event where subject = :subject""";

	private static final String AFTER = " and (coalesce(last_occurred_at, occurred_at) < :at"
			+ " or (coalesce(last_occurred_at, occurred_at) = :at and id < :id))";

	private static final String ORDER = " order by at desc, id desc fetch first :rows rows only";

	private final JdbcClient jdbc;

	private final AuditTrail trail;

	SubjectTrail(JdbcClient jdbc, AuditTrail trail) {
		this.jdbc = jdbc;
		this.trail = trail;
	}

	/**
	 * One page of the user's trail, including what this instance recorded before the
	 * call.
	 * @param cursor where the page starts: the {@code next} of the page before, or
	 * {@code null} for the newest
	 * @param size rows per page, 1 to {@value #MAX_PAGE_SIZE}
	 * @throws ProblemException 400 for a size out of range or a cursor this did not make
	 */
	public Page page(String subject, @Nullable String cursor, int size) {
		if (size < 1 || size > MAX_PAGE_SIZE) {
			throw new ProblemException(ErrorCode.INVALID_REQUEST, "size must be between 1 and " + MAX_PAGE_SIZE + ".");
		}
		this.trail.flush(subject);
		JdbcClient.StatementSpec statement;
		if (cursor == null) {
			statement = this.jdbc.sql(SELECT + ORDER);
		}
		else {
			Matcher matcher = CURSOR.matcher(cursor);
			if (!matcher.matches()) {
				throw new ProblemException(ErrorCode.INVALID_REQUEST, "page is not a cursor this service gave.");
			}
			Instant at = Instant.EPOCH.plusNanos(Long.parseLong(matcher.group(1)) * 1000);
			statement = this.jdbc.sql(SELECT + AFTER + ORDER)
				.param("at", at.atOffset(ZoneOffset.UTC))
				.param("id", Long.parseLong(matcher.group(2)));
		}
		List<Row> rows = statement.param("subject", subject).param("rows", size + 1).query(SubjectTrail::row).list();
		List<Row> page = rows.subList(0, Math.min(size, rows.size()));
		String next = (rows.size() > size) ? page.get(page.size() - 1).cursor() : null;
		return new Page(page.stream().map(Row::event).toList(), next);
	}

	private static Row row(ResultSet rs, int n) throws SQLException {
		OffsetDateTime at = rs.getObject("at", OffsetDateTime.class);
		OffsetDateTime first = rs.getObject("first_occurred_at", OffsetDateTime.class);
		String actor = rs.getString("actor");
		String subject = rs.getString("subject");
		Event event = new Event(at.toInstant(), rs.getString("action"), rs.getString("outcome"),
				subject != null && subject.equals(actor), rs.getString("communication_user_id"), rs.getString("reason"),
				rs.getString("detail"), rs.getString("resource"), rs.getInt("occurrences"),
				(first != null) ? first.toInstant() : null);
		long micros = Math.multiplyExact(at.toEpochSecond(), 1_000_000L) + at.getNano() / 1000;
		return new Row(event, micros + "." + rs.getLong("id"));
	}

	private record Row(Event event, String cursor) {
	}

	/**
	 * A page of a user's trail.
	 *
	 * @param events newest first
	 * @param next the cursor of the next page, {@code null} on the last
	 */
	public record Page(List<Event> events, @Nullable String next) {
	}

	/**
	 * One row as its subject reads it: who else acted is not named.
	 *
	 * @param occurredAt when; for reuse hits the last of the row's
	 * @param byYou whether the subject did it, rather than an admin or the service
	 * @param occurrences how many events the row counts (reuse hits), otherwise 1
	 * @param firstOccurredAt for reuse hits, the first of the row's
	 */
	public record Event(Instant occurredAt, String action, String outcome, boolean byYou,
			@Nullable String communicationUserId, @Nullable String reason, @Nullable String detail,
			@Nullable String resource, int occurrences, @Nullable Instant firstOccurredAt) {
	}

}
