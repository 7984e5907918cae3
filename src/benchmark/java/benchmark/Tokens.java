package benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import com.nimbusds.jwt.JWTClaimsSet;
import org.acstokenservice.testsupport.TestJwtIssuer;

/**
 * The run's JWTs from the local issuer, signed before anything is measured. Files of
 * bearer tokens, one a line: the users who come back, new users for the warm-up and the
 * measurement of row 6, and the first of the users who come back, one for each connection
 * of the flood rows' signed-in users; and the administrator's token, which reads the
 * services' counters.
 */
final class Tokens {

	private final Path users;

	private final Path newUsersWarmup;

	private final Path newUsersMeasured;

	private final Path floodUsers;

	private final String admin;

	private Tokens(Path users, Path newUsersWarmup, Path newUsersMeasured, Path floodUsers, String admin) {
		this.users = users;
		this.newUsersWarmup = newUsersWarmup;
		this.newUsersMeasured = newUsersMeasured;
		this.floodUsers = floodUsers;
		this.admin = admin;
	}

	/** Signs the run's tokens and writes them to files that only this user may read. */
	static Tokens sign(Settings s, TestJwtIssuer issuer, Secrets secrets) throws IOException {
		/*
		 * At most one call per connection and ACS latency: the most new users a run can
		 * use.
		 */
		int newUsersPerSecond = s.connections() * 1000 / Math.max(s.latencyMillis(), 10);
		Path users = write(issuer, secrets, "users", s.users(), "bench-user-");
		/* The flood rows' signed-in users: the first of those who come back. */
		Path floodUsers = secrets.file("flood-users.tokens");
		Files.write(floodUsers, Files.readAllLines(users).subList(0, s.floodUsers()));
		Path newUsersWarmup = write(issuer, secrets, "new-users-warmup",
				newUsersPerSecond * s.newUsersWarmup() + s.connections(), "bench-new-warmup-");
		Path newUsersMeasured = write(issuer, secrets, "new-users-measured",
				newUsersPerSecond * s.measure() + s.connections(), "bench-new-measured-");
		return new Tokens(users, newUsersWarmup, newUsersMeasured, floodUsers, admin(issuer));
	}

	/** A token of role ADMIN, which reads the services' counters. */
	static String admin(TestJwtIssuer issuer) {
		return issuer.token("bench-admin", expiresLate((claims) -> claims.claim("roles", List.of("ADMIN"))));
	}

	/**
	 * Signs {@code count} users' tokens (tier standard, subjects {@code subjectPrefix}
	 * and a number) to a file of their own that only this user may read.
	 */
	static Path write(TestJwtIssuer issuer, Secrets secrets, String name, int count, String subjectPrefix)
			throws IOException {
		List<String> tokens = IntStream.range(0, count)
			.parallel()
			.mapToObj((i) -> issuer.token(String.format("%s%06d", subjectPrefix, i),
					expiresLate((claims) -> claims.claim("tier", "standard"))))
			.toList();
		Path file = secrets.file(name + ".tokens");
		Files.write(file, tokens);
		return file;
	}

	/**
	 * Valid for the whole run, however long it is (the issuer's default is ten minutes).
	 */
	private static Consumer<JWTClaimsSet.Builder> expiresLate(Consumer<JWTClaimsSet.Builder> changes) {
		return (claims) -> {
			changes.accept(claims);
			claims.expirationTime(Date.from(Instant.now().plus(Duration.ofHours(6))));
		};
	}

	/** The users who come back, the load rows' tokens. */
	Path users() {
		return this.users;
	}

	/** The first of the users who come back. */
	String firstUser() throws IOException {
		return Files.readAllLines(this.users).get(0);
	}

	/** New users for the warm-up of row 6. */
	Path newUsersWarmup() {
		return this.newUsersWarmup;
	}

	/** New users for the measurement of row 6. */
	Path newUsersMeasured() {
		return this.newUsersMeasured;
	}

	/** The flood rows' signed-in users, one for each connection. */
	Path floodUsers() {
		return this.floodUsers;
	}

	/** The administrator's token, which reads {@code /actuator/prometheus}. */
	String admin() {
		return this.admin;
	}

}
