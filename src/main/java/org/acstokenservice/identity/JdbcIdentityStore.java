package org.acstokenservice.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The mapping from app users to ACS identities, in the {@code acs_identity} table. */
@Repository
class JdbcIdentityStore {

	private static final String COLUMNS = "app_user_id, communication_user_id, created_at, tokens_revoked_at";

	private final JdbcClient jdbc;

	JdbcIdentityStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<StoredIdentity> findByAppUserId(String appUserId) {
		return this.jdbc.sql("select " + COLUMNS + " from acs_identity where app_user_id = ?")
			.param(appUserId)
			.query(JdbcIdentityStore::map)
			.optional();
	}

	Optional<StoredIdentity> findByCommunicationUserId(String communicationUserId) {
		return this.jdbc.sql("select " + COLUMNS + " from acs_identity where communication_user_id = ?")
			.param(communicationUserId)
			.query(JdbcIdentityStore::map)
			.optional();
	}

	/**
	 * Stores the identity unless the user already has one.
	 * @return {@code false} when another request stored an identity for the user first
	 */
	boolean insertIfAbsent(StoredIdentity identity) {
		try {
			this.jdbc.sql("insert into acs_identity (" + COLUMNS + ") values (?, ?, ?, ?)")
				.param(identity.appUserId())
				.param(identity.communicationUserId())
				.param(timestamp(identity.createdAt()))
				.param(timestamp(identity.tokensRevokedAt()))
				.update();
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	// OffsetDateTime is JDBC 4.2's type for "timestamp with time zone" on both H2 and
	// PostgreSQL; java.sql.Timestamp would shift with the JVM's default time zone.
	private static OffsetDateTime timestamp(Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static StoredIdentity map(ResultSet rs, int row) throws SQLException {
		return new StoredIdentity(rs.getString("app_user_id"), rs.getString("communication_user_id"),
				instant(rs, "created_at"), instant(rs, "tokens_revoked_at"));
	}

}
