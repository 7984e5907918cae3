package org.acstokenservice.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Takes an erased user's name out of the audit trail: each of their rows, as actor or as
 * subject, keeps its action, outcome and times but names them by a keyed hash, so that
 * the trail still proves what was done without identifying them. The key is
 * {@link ErasureProperties#pseudonymKey()} when set, else the fleet's, made once and kept
 * in the database, so that one erased user has one pseudonym on every instance. Rows in
 * which they looked up someone else are found through a partial index on PostgreSQL
 * (actor different from subject); their own are found by subject.
 */
class ErasedUsers {

	private static final Logger logger = LoggerFactory.getLogger(ErasedUsers.class);

	private static final String PREFIX = "erased:";

	private static final String RENAME = """
			update audit_event
			set actor = case when actor = :user then :pseudonym else actor end,
			    subject = case when subject = :user then :pseudonym else subject end
			where subject = :user or (actor = :user and actor <> subject)""";

	private static final String SELECT_KEY = "select secret from audit_pseudonym_key where id = 1";

	private static final String INSERT_KEY = "insert into audit_pseudonym_key (id, secret, created_at) "
			+ "values (1, :secret, current_timestamp)";

	private final JdbcClient jdbc;

	private final SecretKeySpec key;

	ErasedUsers(JdbcClient jdbc, ErasureProperties properties) {
		this.jdbc = jdbc;
		String secret = properties.pseudonymKey();
		if (secret == null) {
			logger.info("token-service.audit.erasure.pseudonym-key is not set: erased users' pseudonyms use the "
					+ "fleet's key in table audit_pseudonym_key");
			secret = storedKey(jdbc);
		}
		this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
	}

	/**
	 * The fleet's key: the stored one, or a new one stored first. Made at start-up, never
	 * inside a request's transaction, so that no instance keeps a key that was rolled
	 * back. The primary key decides between instances that start together.
	 */
	private static String storedKey(JdbcClient jdbc) {
		Optional<String> stored = jdbc.sql(SELECT_KEY).query(String.class).optional();
		if (stored.isPresent()) {
			return stored.get();
		}
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		try {
			jdbc.sql(INSERT_KEY)
				.param("secret", Base64.getUrlEncoder().withoutPadding().encodeToString(random))
				.update();
		}
		catch (DuplicateKeyException ex) {
			logger.debug("Another instance stored the pseudonym key first; using theirs");
		}
		return jdbc.sql(SELECT_KEY).query(String.class).single();
	}

	/**
	 * Renames the user's rows.
	 * @return how many rows named the user
	 */
	int forget(String appUserId) {
		return this.jdbc.sql(RENAME).param("user", appUserId).param("pseudonym", pseudonym(appUserId)).update();
	}

	String pseudonym(String appUserId) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			byte[] hash = mac.doFinal(appUserId.getBytes(StandardCharsets.UTF_8));
			return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 32);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JRE", ex);
		}
	}

}
