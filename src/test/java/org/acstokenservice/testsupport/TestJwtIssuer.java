package org.acstokenservice.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A stand-in OpenID Connect issuer for tests: a local key pair, its public half served as
 * a JWKS on loopback, and tokens minted to order, good and bad.
 */
public final class TestJwtIssuer implements AutoCloseable {

	public static final String ISSUER = "https://issuer.test/tenant";

	public static final String AUDIENCE = "api://acs-token-service";

	private static TestJwtIssuer shared;

	private final RSAKey key = generate();

	private final RSAKey otherKey = generate();

	private final HttpServer server;

	public TestJwtIssuer() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		byte[] jwks = new JWKSet(this.key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
		this.server.createContext("/jwks", (exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, jwks.length);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(jwks);
			}
		});
		this.server.start();
	}

	/**
	 * The issuer that every test context of this JVM trusts, started at first use and
	 * stopped with the JVM. One issuer lets test classes with JWT users share a context.
	 * @return the shared issuer
	 */
	public static synchronized TestJwtIssuer shared() {
		if (shared == null) {
			shared = new TestJwtIssuer();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-jwt-issuer-stop"));
		}
		return shared;
	}

	/** Points the service at this issuer: keys, issuer and audience. */
	public void applyTo(ConfigurableApplicationContext context) {
		TestPropertyValues
			.of("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + jwkSetUri(),
					"spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ISSUER,
					"spring.security.oauth2.resourceserver.jwt.audiences=" + AUDIENCE)
			.applyTo(context);
	}

	public String jwkSetUri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks";
	}

	/** A good token for the user, with any changes to its claims. */
	public String token(String subject, Consumer<JWTClaimsSet.Builder> changes) {
		return sign(this.key, claims(subject, changes));
	}

	public String token(String subject) {
		return token(subject, (claims) -> {
		});
	}

	/** A well-formed token signed by a key the issuer never published. */
	public String tokenSignedByOtherKey(String subject) {
		return sign(this.otherKey, claims(subject, (claims) -> {
		}));
	}

	/** An unsigned token, {@code alg: none}. */
	public String unsignedToken(String subject) {
		String header = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
		return header + "." + base64Url(claims(subject, (claims) -> {
		}).toString()) + ".";
	}

	/** The old key-confusion attack: HS256 with the issuer's public key as the secret. */
	public String tokenHmacSignedWithPublicKey(String subject) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(this.key.getKeyID()).build(),
					claims(subject, (claims) -> {
					}));
			byte[] secret = this.key.toRSAPublicKey().getEncoded();
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JWTClaimsSet claims(String subject, Consumer<JWTClaimsSet.Builder> changes) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.audience(List.of(AUDIENCE))
			.subject(subject)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now.minusSeconds(5)))
			.expirationTime(Date.from(now.plusSeconds(600)))
			.jwtID(UUID.randomUUID().toString());
		changes.accept(claims);
		return claims.build();
	}

	private static String sign(RSAKey key, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String base64Url(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/** Points a test context at the {@link #shared() shared issuer}. */
	static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			shared().applyTo(context);
		}

	}

}
