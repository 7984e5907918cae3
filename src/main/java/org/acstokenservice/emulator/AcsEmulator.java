package org.acstokenservice.emulator;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import com.nimbusds.jwt.JWTClaimsSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for the Azure Communication Services Identity REST API, served over
 * HTTPS so that the official SDKs talk to it unmodified through
 * {@link #connectionString()}.
 * <p>
 * It checks each request's HMAC signature as ACS does, enforces scopes and token
 * lifetimes, answers with ACS's status codes and error bodies, issues RS256 JWTs shaped
 * like ACS's, honours revocation and deletion, and throttles with ACS's limits
 * ({@link #limits()}). Its TLS certificate is made at each start: clients must trust
 * {@link #certificate()} (or {@link #certificateFile()}) explicitly. Thread-safe.
 * <p>
 * This class wires the emulated resource (its state, tokens, faults, counts and limits)
 * to its two APIs on an {@link EmulatorServer}, and answers tests' questions about it.
 */
public final class AcsEmulator implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(AcsEmulator.class);

	private final EmulatorState state;

	private final AccessTokens tokens;

	private final EmulatorServer server;

	private final String accessKey;

	private final Clock clock;

	private final FaultInjector faults;

	private final RequestCounts requestCounts;

	private final ResourceLimits limits;

	private final Set<String> trustedBearerTokens;

	private final AtomicBoolean closed = new AtomicBoolean();

	private AcsEmulator(EmulatorState state, AccessTokens tokens, EmulatorServer server, String accessKey, Clock clock,
			FaultInjector faults, RequestCounts requestCounts, ResourceLimits limits, Set<String> trustedBearerTokens) {
		this.state = state;
		this.tokens = tokens;
		this.server = server;
		this.accessKey = accessKey;
		this.clock = clock;
		this.faults = faults;
		this.requestCounts = requestCounts;
		this.limits = limits;
		this.trustedBearerTokens = trustedBearerTokens;
	}

	/**
	 * Loads (or creates) the state, makes a TLS certificate, binds and starts serving.
	 * @param settings where and how to run
	 * @return the running emulator; close it to stop
	 */
	public static AcsEmulator start(AcsEmulatorSettings settings) {
		EmulatorState state = (settings.dataDirectory() != null) ? EmulatorState.open(settings.dataDirectory())
				: EmulatorState.inMemory();
		try {
			String accessKey = (settings.accessKey() != null) ? settings.accessKey() : state.defaultAccessKey();
			AccessTokens tokens = new AccessTokens(state.resourceId(), state.signingKey());
			FaultInjector faults = new FaultInjector();
			RequestCounts requestCounts = new RequestCounts();
			// One resource, one access key, one set of limits.
			ResourceLimits limits = new ResourceLimits(settings.limits(), settings.clock());
			Set<String> trustedBearerTokens = ConcurrentHashMap.newKeySet();
			RequestAuthenticator authenticator = new RequestAuthenticator(new HmacSignature(accessKey),
					settings.clock(), trustedBearerTokens);
			IdentityOperations operations = new IdentityOperations(state, tokens, settings.clock());
			Function<ScheduledExecutorService, IdentityApi> identityApi = (scheduler) -> new IdentityApi(operations,
					authenticator, settings.clock(), faults, requestCounts, limits, scheduler);
			ControlApi controlApi = new ControlApi(accessKey, faults, limits);
			EmulatorServer server = EmulatorServer.start(settings.host(), settings.port(), settings.dataDirectory(),
					(scheduler) -> Map.of("/", identityApi.apply(scheduler), "/_emulator/", controlApi));
			AcsEmulator emulator = new AcsEmulator(state, tokens, server, accessKey, settings.clock(), faults,
					requestCounts, limits, trustedBearerTokens);
			// The endpoint only: the access key never reaches a log line.
			logger.info("ACS emulator for resource {} listening at {}", state.resourceId(), server.endpoint());
			logger.info("ACS emulator TLS certificate: {} (trust it, e.g. NODE_EXTRA_CA_CERTS)",
					server.certificateFile());
			return emulator;
		}
		catch (RuntimeException ex) {
			state.close();
			throw ex;
		}
	}

	/**
	 * The connection string for the SDKs.
	 * @return {@code endpoint=https://127.0.0.1:PORT/;accesskey=BASE64KEY}
	 */
	public String connectionString() {
		return "endpoint=" + this.server.endpoint() + ";accesskey=" + this.accessKey;
	}

	/**
	 * The HTTPS endpoint.
	 * @return e.g. {@code https://127.0.0.1:PORT/}
	 */
	public URI endpoint() {
		return this.server.endpoint();
	}

	/**
	 * The self-signed certificate that clients must trust (SAN: IP 127.0.0.1 and ::1, DNS
	 * localhost, and the configured host).
	 * @return the certificate of this run
	 */
	public X509Certificate certificate() {
		return this.server.certificate();
	}

	/**
	 * The certificate as a PEM file, for other programs (e.g.
	 * {@code NODE_EXTRA_CA_CERTS}).
	 * @return in the data directory, or a temporary file that {@link #close()} deletes
	 */
	public Path certificateFile() {
		return this.server.certificateFile();
	}

	/**
	 * The id of the emulated ACS resource: the GUID in its identities
	 * ({@code 8:acs:<id>_…}) and in its tokens' {@code resourceId} claim; stable across
	 * restarts with a data directory.
	 * @return a GUID
	 */
	public String resourceId() {
		return this.state.resourceId();
	}

	/**
	 * Whether a token is one that this emulator issued and still honours: its signature
	 * checks, it names this resource, it has not expired, and its identity has been
	 * neither deleted nor had its tokens revoked since.
	 * @param token a token string as issued
	 * @return {@code true} if valid now
	 */
	public boolean isTokenValid(String token) {
		JWTClaimsSet claims = this.tokens.verify(token, this.clock.instant()).orElse(null);
		if (claims == null) {
			return false;
		}
		Object skypeId = claims.getClaim("skypeid");
		if (!(skypeId instanceof String identity)) {
			return false;
		}
		if (identity.startsWith("orgid:")) {
			// A Teams user's token: the emulator keeps no state for Teams users.
			return true;
		}
		Object generation = claims.getClaim(AccessTokens.GENERATION_CLAIM);
		return this.state.find("8:" + identity)
			.filter((current) -> !current.deleted())
			.filter((current) -> generation instanceof Number number && number.intValue() == current.generation())
			.isPresent();
	}

	/**
	 * Accepts {@code Authorization: Bearer <token>} with this token from now on, as ACS
	 * accepts a Microsoft Entra ID token for its resource: the emulator cannot check
	 * Entra's signature, so a test names the token its credential hands out.
	 * @param token the access token a test credential returns
	 */
	public void trustBearerToken(String token) {
		this.trustedBearerTokens.add(token);
	}

	/**
	 * The faults that this emulator injects, to drive from tests; none until asked.
	 * @return this emulator's injector
	 */
	public FaultInjector faults() {
		return this.faults;
	}

	/**
	 * The throttling of this emulator's resource: ACS's limits unless the settings said
	 * otherwise. Tests read where each limit stands, spend part of an allowance as
	 * another application on the resource would, and reset the windows.
	 * @return this emulator's limits
	 */
	public ResourceLimits limits() {
		return this.limits;
	}

	/**
	 * Whether an identity exists here: created and not deleted.
	 * @param communicationUserId e.g. {@code 8:acs:<resource>_<guid>}
	 * @return {@code true} if live
	 */
	public boolean identityExists(String communicationUserId) {
		return this.state.find(communicationUserId).filter((identity) -> !identity.deleted()).isPresent();
	}

	/**
	 * How many identities exist here: created and not deleted.
	 * @return the count now
	 */
	public int liveIdentityCount() {
		return this.state.liveCount();
	}

	/**
	 * How many requests for an operation the emulator has accepted since start (or the
	 * last {@link #resetRequestCounts()}): those that passed authentication and the
	 * api-version check, whatever their answer, faulted and throttled ones included.
	 * @param operation which operation
	 * @return the count
	 */
	public long requestCount(AcsOperation operation) {
		return this.requestCounts.get(operation);
	}

	/**
	 * All the counts of {@link #requestCount(AcsOperation)} at once.
	 * @return an unmodifiable snapshot, one entry per operation
	 */
	public Map<AcsOperation, Long> requestCounts() {
		return this.requestCounts.snapshot();
	}

	/** Sets every request count back to zero. */
	public void resetRequestCounts() {
		this.requestCounts.reset();
	}

	/** Stops serving and releases the state; safe to call more than once. */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.server.stop();
		this.state.close();
		logger.info("ACS emulator at {} stopped", this.server.endpoint());
	}

}
