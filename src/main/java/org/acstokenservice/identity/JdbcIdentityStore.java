package org.acstokenservice.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.acstokenservice.fleet.FreshConnectionRetry;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The mapping from app users to ACS identities, one per user and resource
 * ({@code acs_identity}), and the identities waiting to be deleted at ACS
 * ({@code pending_acs_deletion}).
 * <p>
 * Every read, and every write on a request's path, is tried once more on a fresh
 * connection when its pooled connection had died (see {@link FreshConnectionRetry}); so
 * each such write runs in a transaction, which tells a loss before the commit, safe to
 * try again, from a loss of the commit itself. The retry job's own bookkeeping is not
 * tried again: its next round does it.
 */
@Repository
class JdbcIdentityStore {

	private static final String COLUMNS = "app_user_id, communication_user_id, created_at, tokens_revoked_at, "
			+ "revocation_generation, resource";

	private final JdbcClient jdbc;

	private final FreshConnectionRetry transactions;

	JdbcIdentityStore(JdbcClient jdbc, FreshConnectionRetry transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/** The user's identity in a resource. */
	Optional<StoredIdentity> findByAppUserId(String appUserId, String resource) {
		return this.transactions
			.read(() -> this.jdbc.sql("select " + COLUMNS + " from acs_identity where app_user_id = ? and resource = ?")
				.param(appUserId)
				.param(resource)
				.query(JdbcIdentityStore::map)
				.optional());
	}

	/** The user's identities in every resource. */
	List<StoredIdentity> findAllByAppUserId(String appUserId) {
		return this.transactions.read(
				() -> this.jdbc.sql("select " + COLUMNS + " from acs_identity where app_user_id = ? order by resource")
					.param(appUserId)
					.query(JdbcIdentityStore::map)
					.list());
	}

	Optional<StoredIdentity> findByCommunicationUserId(String communicationUserId) {
		return this.transactions
			.read(() -> this.jdbc.sql("select " + COLUMNS + " from acs_identity where communication_user_id = ?")
				.param(communicationUserId)
				.query(JdbcIdentityStore::map)
				.optional());
	}

	/**
	 * Stores the identity unless the user already has one in its resource.
	 * @return {@code false} when another request stored an identity for the user in that
	 * resource first
	 */
	boolean insertIfAbsent(StoredIdentity identity) {
		try {
			this.transactions.executeWithoutResult(
					(status) -> this.jdbc.sql("insert into acs_identity (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?)")
						.param(identity.appUserId())
						.param(identity.communicationUserId())
						.param(timestamp(identity.createdAt()))
						.param(timestamp(identity.tokensRevokedAt()))
						.param(identity.revocationGeneration())
						.param(identity.resource())
						.update());
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	/**
	 * Maps the user to a new identity in place of one that ACS no longer knows, and
	 * queues the old one for deletion at ACS, in one transaction.
	 * @return {@code false} when the user's mapping is no longer {@code stale}: another
	 * request replaced or erased it first
	 */
	boolean replace(StoredIdentity stale, StoredIdentity replacement) {
		return Boolean.TRUE.equals(this.transactions.execute((status) -> {
			boolean replaced = this.jdbc
				.sql("update acs_identity set communication_user_id = ?, created_at = ?, tokens_revoked_at = null, "
						+ "revocation_generation = 0 where app_user_id = ? and communication_user_id = ?")
				.param(replacement.communicationUserId())
				.param(timestamp(replacement.createdAt()))
				.param(stale.appUserId())
				.param(stale.communicationUserId())
				.update() == 1;
			if (replaced) {
				insertPendingDeletion(stale.communicationUserId(), stale.appUserId(), stale.resource(),
						replacement.createdAt(), replacement.createdAt());
			}
			return replaced;
		}));
	}

	/**
	 * Records that every token of the user's identity issued so far is revoked: the
	 * revocation generation goes up by one, so that no instance reuses a token issued
	 * under an earlier one; {@code at} is kept for people to read.
	 * @return {@code false} when the user is no longer mapped to that identity (erased or
	 * replaced meanwhile)
	 */
	boolean markRevoked(String appUserId, String communicationUserId, Instant at) {
		return Boolean.TRUE.equals(this.transactions.execute((status) -> this.jdbc
			.sql("update acs_identity set tokens_revoked_at = ?, revocation_generation = revocation_generation + 1 "
					+ "where app_user_id = ? and communication_user_id = ?")
			.param(timestamp(at))
			.param(appUserId)
			.param(communicationUserId)
			.update() == 1));
	}

	/**
	 * Forgets the user's mappings in every resource and queues their identities for
	 * deletion at ACS, in one transaction: from here on none of them is handed out, and
	 * none is forgotten.
	 * @param nextAttempt when the retry job may try them: the caller, about to delete
	 * them itself, keeps them until then
	 * @return the identities queued, none when the user had none
	 */
	List<String> forgetAndQueueDeletion(String appUserId, Instant now, Instant nextAttempt) {
		return this.transactions.execute((status) -> {
			List<StoredIdentity> identities = this.jdbc
				.sql("select " + COLUMNS + " from acs_identity where app_user_id = ? for update")
				.param(appUserId)
				.query(JdbcIdentityStore::map)
				.list();
			for (StoredIdentity identity : identities) {
				insertPendingDeletion(identity.communicationUserId(), appUserId, identity.resource(), now, nextAttempt);
				/*
				 * Exactly the row locked and queued: a statement by user id would also
				 * delete a first identity in another resource committed meanwhile (READ
				 * COMMITTED), which would then stay live at ACS, neither mapped nor
				 * queued.
				 */
				this.jdbc.sql("delete from acs_identity where app_user_id = ? and communication_user_id = ?")
					.param(appUserId)
					.param(identity.communicationUserId())
					.update();
			}
			return identities.stream().map(StoredIdentity::communicationUserId).toList();
		});
	}

	/**
	 * Queues an identity that no user is mapped to for deletion at ACS, such as one
	 * created by a request that lost a race and that ACS did not delete at once.
	 * @param nextAttempt when to try again
	 */
	void queueDeletion(String communicationUserId, String appUserId, String resource, Instant now,
			Instant nextAttempt) {
		this.transactions.executeWithoutResult(
				(status) -> insertPendingDeletion(communicationUserId, appUserId, resource, now, nextAttempt));
	}

	private void insertPendingDeletion(String communicationUserId, String appUserId, String resource, Instant now,
			Instant nextAttempt) {
		this.jdbc
			.sql("insert into pending_acs_deletion (communication_user_id, app_user_id, resource, requested_at, "
					+ "attempts, next_attempt_at) values (?, ?, ?, ?, 0, ?)")
			.param(communicationUserId)
			.param(appUserId)
			.param(resource)
			.param(timestamp(now))
			.param(timestamp(nextAttempt))
			.update();
	}

	/** The user's identities still waiting for deletion at ACS. */
	List<PendingDeletion> pendingDeletionsOf(String appUserId) {
		return this.transactions.read(() -> this.jdbc
			.sql("select communication_user_id, resource, attempts from pending_acs_deletion where app_user_id = ?")
			.param(appUserId)
			.query(JdbcIdentityStore::pending)
			.list());
	}

	/**
	 * The database's time. Deletions are scheduled by it rather than by the clock of
	 * whichever instance last tried one: an instance whose clock is behind would
	 * otherwise schedule a retry that the others find due at once.
	 */
	Instant databaseNow() {
		return this.transactions
			.read(() -> this.jdbc.sql("select current_timestamp").query(OffsetDateTime.class).single().toInstant());
	}

	/** Identities whose deletion at ACS is due for another try, oldest first. */
	List<PendingDeletion> pendingDeletionsDue(Instant now, int limit) {
		return this.transactions.read(() -> this.jdbc.sql(
				"select communication_user_id, resource, attempts from pending_acs_deletion where next_attempt_at <= ? "
						+ "order by next_attempt_at fetch first " + limit + " rows only")
			.param(timestamp(now))
			.query(JdbcIdentityStore::pending)
			.list());
	}

	/**
	 * Takes a due deletion for this instance until {@code until}, so that instances do
	 * not all retry the same one at once.
	 * @return {@code false} when it is no longer due: another instance took it
	 */
	boolean claimDeletion(String communicationUserId, Instant now, Instant until) {
		return this.jdbc
			.sql("update pending_acs_deletion set next_attempt_at = ? "
					+ "where communication_user_id = ? and next_attempt_at <= ?")
			.param(timestamp(until))
			.param(communicationUserId)
			.param(timestamp(now))
			.update() == 1;
	}

	void deletionDone(String communicationUserId) {
		this.jdbc.sql("delete from pending_acs_deletion where communication_user_id = ?")
			.param(communicationUserId)
			.update();
	}

	void deletionFailed(String communicationUserId, Instant nextAttempt) {
		this.jdbc
			.sql("update pending_acs_deletion set attempts = attempts + 1, next_attempt_at = ? "
					+ "where communication_user_id = ?")
			.param(timestamp(nextAttempt))
			.param(communicationUserId)
			.update();
	}

	/**
	 * How many identities wait to be deleted at ACS, and how long the oldest has waited,
	 * by the database's clock.
	 */
	DeletionQueue deletionQueue() {
		return this.transactions.read(() -> this.jdbc
			.sql("select count(*) as waiting, min(requested_at) as oldest, current_timestamp as checked_at "
					+ "from pending_acs_deletion")
			.query((rs, row) -> {
				Instant oldest = instant(rs, "oldest");
				Duration age = (oldest != null) ? Duration.between(oldest, instant(rs, "checked_at")) : Duration.ZERO;
				return new DeletionQueue(rs.getLong("waiting"), age.isNegative() ? Duration.ZERO : age);
			})
			.single());
	}

	/** The identities waiting to be deleted at ACS: how many, and the oldest's wait. */
	record DeletionQueue(long waiting, Duration oldestAge) {
	}

	/*
	 * OffsetDateTime is JDBC 4.2's type for "timestamp with time zone" on both H2 and
	 * PostgreSQL; java.sql.Timestamp would shift with the JVM's default time zone.
	 */
	private static @Nullable OffsetDateTime timestamp(@Nullable Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static PendingDeletion pending(ResultSet rs, int row) throws SQLException {
		return new PendingDeletion(rs.getString("communication_user_id"), rs.getString("resource"),
				rs.getInt("attempts"));
	}

	/** An identity to delete at ACS, its resource, and how often that failed so far. */
	record PendingDeletion(String communicationUserId, String resource, int attempts) {
	}

	private static StoredIdentity map(ResultSet rs, int row) throws SQLException {
		return new StoredIdentity(rs.getString("app_user_id"), rs.getString("communication_user_id"),
				Objects.requireNonNull(instant(rs, "created_at"), "created_at is not null"),
				instant(rs, "tokens_revoked_at"), rs.getLong("revocation_generation"), rs.getString("resource"));
	}

}
