package org.acstokenservice.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Takes an erased user's name out of the audit trail: each of their rows, as actor or as
 * subject, keeps its action, outcome and times but names them by a keyed hash
 * ({@link ErasureProperties#pseudonymKey()}), so that the trail still proves what was
 * done without identifying them. Rows in which they looked up someone else are found
 * through a partial index on PostgreSQL (actor different from subject); their own are
 * found by subject.
 */
class ErasedUsers {

	private static final Logger logger = LoggerFactory.getLogger(ErasedUsers.class);

	private static final String PREFIX = "erased:";

	private static final String RENAME = """
			update audit_event
			set actor = case when actor = :user then :pseudonym else actor end,
			    subject = case when subject = :user then :pseudonym else subject end
			where subject = :user or (actor = :user and actor <> subject)""";

	private final JdbcClient jdbc;

	private final SecretKeySpec key;

	ErasedUsers(JdbcClient jdbc, ErasureProperties properties) {
		this.jdbc = jdbc;
		byte[] secret;
		if (properties.pseudonymKey() != null) {
			secret = properties.pseudonymKey().getBytes(StandardCharsets.UTF_8);
		}
		else {
			logger.warn("token-service.audit.erasure.pseudonym-key is not set: an erased user's audit rows get a "
					+ "pseudonym of this instance's own, which differs between instances and restarts");
			secret = new byte[32];
			new SecureRandom().nextBytes(secret);
		}
		this.key = new SecretKeySpec(secret, "HmacSHA256");
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
