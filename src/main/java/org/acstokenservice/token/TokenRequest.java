package org.acstokenservice.token;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.jspecify.annotations.Nullable;

/**
 * The optional body of {@code POST /token}. Field values are checked here rather than
 * with Bean Validation, because each field has its own error code in the HTTP contract.
 *
 * @param scopes the ACS scopes asked for; {@code null} for the tier's defaults
 * @param expiresInMinutes the lifetime asked for, 60..1440; {@code null} for the tier's
 * default
 */
record TokenRequest(@Nullable List<String> scopes, @Nullable Integer expiresInMinutes) {

	static final TokenRequest EMPTY = new TokenRequest(null, null);

	static final int MIN_MINUTES = 60;

	static final int MAX_MINUTES = 1440;

	/** The scopes asked for, or {@code null} when none were. */
	@Nullable Set<AcsScope> acsScopes() {
		if (this.scopes == null) {
			return null;
		}
		if (this.scopes.isEmpty()) {
			throw invalidScope("scopes must name at least one scope; leave it out for the defaults.");
		}
		Set<AcsScope> parsed = EnumSet.noneOf(AcsScope.class);
		for (String name : this.scopes) {
			parsed.add(AcsScope.fromWireName(name)
				.orElseThrow(() -> invalidScope("Unknown scope '" + name + "'; valid scopes are "
						+ String.join(", ", AcsScope.wireNames()) + ".")));
		}
		return parsed;
	}

	/** The lifetime asked for, or {@code null} when none was. */
	@Nullable Duration lifetime() {
		if (this.expiresInMinutes == null) {
			return null;
		}
		if (this.expiresInMinutes < MIN_MINUTES || this.expiresInMinutes > MAX_MINUTES) {
			throw new ProblemException(ErrorCode.INVALID_EXPIRY,
					"expiresInMinutes must be between " + MIN_MINUTES + " and " + MAX_MINUTES + ".",
					Map.of("minExpiresInMinutes", MIN_MINUTES, "maxExpiresInMinutes", MAX_MINUTES));
		}
		return Duration.ofMinutes(this.expiresInMinutes);
	}

	private static ProblemException invalidScope(String detail) {
		return new ProblemException(ErrorCode.INVALID_SCOPE, detail, Map.of("validScopes", AcsScope.wireNames()));
	}

}
