package org.acstokenservice.audit;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Adds reuse counts to their rows: on PostgreSQL one {@code insert ... on conflict do
 * update} per 500 rows, which makes the period's row or adds to it, whichever instance
 * made it; on H2 (local mode, one instance) an update, or an insert when there is no row
 * yet, per row in one transaction.
 */
class ReuseHitRows {

	static final int MAX_ROWS_PER_STATEMENT = 500;

	private static final String COLUMNS = "insert into audit_event (occurred_at, action, outcome, actor, subject, "
			+ "communication_user_id, detail, resource, occurrences, first_occurred_at, last_occurred_at) values ";

	private static final String VALUES = "(?, 'TOKEN_REUSE', 'SUCCESS', ?, ?, ?, ?, ?, ?, ?, ?)";

	private static final String ADD = " on conflict (subject, resource, occurred_at) where action = 'TOKEN_REUSE' "
			+ "do update set occurrences = audit_event.occurrences + excluded.occurrences, "
			+ "first_occurred_at = least(audit_event.first_occurred_at, excluded.first_occurred_at), "
			+ "last_occurred_at = greatest(audit_event.last_occurred_at, excluded.last_occurred_at), "
			+ "communication_user_id = excluded.communication_user_id, detail = excluded.detail";

	private static final String UPDATE = "update audit_event set occurrences = occurrences + ?, "
			+ "first_occurred_at = least(first_occurred_at, ?), last_occurred_at = greatest(last_occurred_at, ?), "
			+ "communication_user_id = ?, detail = ? where action = 'TOKEN_REUSE' and subject = ? and resource = ? "
			+ "and occurred_at = ?";

	private final JdbcTemplate jdbc;

	private final TransactionOperations transactions;

	private final boolean postgreSql;

	ReuseHitRows(JdbcTemplate jdbc, TransactionOperations transactions, boolean postgreSql) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.postgreSql = postgreSql;
	}

	/**
	 * @param rows at most one per user, resource and period
	 */
	void add(List<Row> rows) {
		if (this.postgreSql) {
			for (int from = 0; from < rows.size(); from += MAX_ROWS_PER_STATEMENT) {
				upsert(rows.subList(from, Math.min(rows.size(), from + MAX_ROWS_PER_STATEMENT)));
			}
			return;
		}
		this.transactions.executeWithoutResult((status) -> rows.forEach(this::updateOrInsert));
	}

	private void upsert(List<Row> rows) {
		List<Object> values = new ArrayList<>(rows.size() * 9);
		for (Row row : rows) {
			Collections.addAll(values, row.period(), row.actor(), row.subject(), row.communicationUserId(),
					row.detail(), row.resource(), row.count(), row.first(), row.last());
		}
		this.jdbc.update(COLUMNS + String.join(", ", Collections.nCopies(rows.size(), VALUES)) + ADD, values.toArray());
	}

	private void updateOrInsert(Row row) {
		int updated = this.jdbc.update(UPDATE, row.count(), row.first(), row.last(), row.communicationUserId(),
				row.detail(), row.subject(), row.resource(), row.period());
		if (updated == 0) {
			this.jdbc.update(COLUMNS + VALUES, row.period(), row.actor(), row.subject(), row.communicationUserId(),
					row.detail(), row.resource(), row.count(), row.first(), row.last());
		}
	}

	/** A user's reuse hits in one resource and period, as counted by one instance. */
	record Row(OffsetDateTime period, @Nullable String actor, String subject, @Nullable String communicationUserId,
			@Nullable String detail, @Nullable String resource, long count, OffsetDateTime first, OffsetDateTime last) {
	}

}
