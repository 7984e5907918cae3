package org.acstokenservice.testsupport;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Hands out JWT users, each with an id of its own, and signs their tokens. Test classes
 * that share a context (and so a database and an emulator) keep their data apart by these
 * ids: no test sees another's identities, tokens or rate limits.
 */
public final class TestUsers {

	private final TestJwtIssuer issuer;

	private final Map<String, Consumer<JWTClaimsSet.Builder>> claims = new ConcurrentHashMap<>();

	public TestUsers(TestJwtIssuer issuer) {
		this.issuer = issuer;
	}

	/** A new user of tier {@code standard}: every scope. */
	public String standard() {
		return add("standard", (claims) -> claims.claim("tier", "standard"));
	}

	/**
	 * A new user of tier {@code standard} whose id starts with {@code prefix}, such as
	 * one that an eligibility rule looks for.
	 */
	public String standard(String prefix) {
		return add(prefix + "standard", (claims) -> claims.claim("tier", "standard"));
	}

	/**
	 * A new user without a tier claim, so of {@code token-service.policy.default-tier}:
	 * chat only.
	 */
	public String basic() {
		return add("basic", (claims) -> {
		});
	}

	/** A new user with role ADMIN. */
	public String admin() {
		return withRoles("ADMIN");
	}

	/** A new user with the given roles and the default tier. */
	public String withRoles(String... roles) {
		return add("role", (claims) -> claims.claim("roles", List.of(roles)));
	}

	/**
	 * A user of the default tier whose id a test needs exactly, such as one on the
	 * configured deny list, or with a prefix that an eligibility rule looks for.
	 */
	public String named(String id) {
		this.claims.put(id, (claims) -> {
		});
		return id;
	}

	/** A good token for a user handed out here. */
	public String token(String user) {
		Consumer<JWTClaimsSet.Builder> changes = this.claims.get(user);
		if (changes == null) {
			throw new IllegalArgumentException("Not a user of this fixture: " + user);
		}
		return this.issuer.token(user, changes);
	}

	/** The {@code Authorization} header value for a user handed out here. */
	public String authorization(String user) {
		return "Bearer " + token(user);
	}

	private String add(String prefix, Consumer<JWTClaimsSet.Builder> changes) {
		String id = prefix + "-" + UUID.randomUUID();
		this.claims.put(id, changes);
		return id;
	}

}
