package org.acstokenservice.audit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the audit trail keeps of a user who asked for erasure.
 *
 * @param pseudonymKey the key of the keyed hash (HMAC-SHA256) that replaces an erased
 * user's app user id in their audit rows: {@code erased:} and the first 32 characters of
 * the hash in base64url. The same on every instance, and kept secret: with it, whoever
 * knows an app user id can find that user's rows (a court order, say), without it nobody
 * can tell whose they were. At least 32 characters; when unset, the fleet's own key: made
 * by the first instance, kept in the database (table {@code audit_pseudonym_key}) and
 * read by every instance, so one user's pseudonym is the same on every instance and after
 * restarts. Set it to keep the key apart from the data it protects
 */
@ConfigurationProperties("token-service.audit.erasure")
record ErasureProperties(@Nullable String pseudonymKey) {

	ErasureProperties {
		if (pseudonymKey != null && pseudonymKey.length() < 32) {
			throw new IllegalArgumentException(
					"token-service.audit.erasure.pseudonym-key must be at least 32 characters");
		}
	}

	@Override
	public String toString() {
		return "ErasureProperties[pseudonymKey=" + ((this.pseudonymKey != null) ? "******" : "none") + "]";
	}

}
