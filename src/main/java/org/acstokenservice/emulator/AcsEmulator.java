package org.acstokenservice.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
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
 */
public final class AcsEmulator implements AutoCloseable {

	static final String CERTIFICATE_FILE = "acs-emulator-cert.pem";

	private static final Logger logger = LoggerFactory.getLogger(AcsEmulator.class);

	private final EmulatorState state;

	private final AccessTokens tokens;

	private final SelfSignedCertificate certificate;

	private final Path certificateFile;

	private final boolean temporaryCertificateFile;

	private final HttpsServer server;

	private final ScheduledExecutorService executor;

	private final URI endpoint;

	private final String accessKey;

	private final Clock clock;

	private final FaultInjector faults;

	private final RequestCounts requestCounts;

	private final ResourceLimits limits;

	private final Set<String> trustedBearerTokens;

	private final AtomicBoolean closed = new AtomicBoolean();

	private AcsEmulator(EmulatorState state, AccessTokens tokens, SelfSignedCertificate certificate,
			Path certificateFile, boolean temporaryCertificateFile, HttpsServer server,
			ScheduledExecutorService executor, URI endpoint, String accessKey, Clock clock, FaultInjector faults,
			RequestCounts requestCounts, ResourceLimits limits, Set<String> trustedBearerTokens) {
		this.state = state;
		this.tokens = tokens;
		this.certificate = certificate;
		this.certificateFile = certificateFile;
		this.temporaryCertificateFile = temporaryCertificateFile;
		this.server = server;
		this.executor = executor;
		this.endpoint = endpoint;
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
		ScheduledExecutorService executor = null;
		HttpsServer server = null;
		Path certificateFile = null;
		try {
			String accessKey = (settings.accessKey() != null) ? settings.accessKey() : state.defaultAccessKey();
			AccessTokens tokens = new AccessTokens(state.resourceId(), state.signingKey());
			SelfSignedCertificate certificate = SelfSignedCertificate.generate(settings.host());
			server = HttpsServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
			server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
			executor = newExecutor();
			FaultInjector faults = new FaultInjector();
			RequestCounts requestCounts = new RequestCounts();
			// One resource, one access key, one set of limits.
			ResourceLimits limits = new ResourceLimits(settings.limits(), settings.clock());
			Set<String> trustedBearerTokens = ConcurrentHashMap.newKeySet();
			RequestAuthenticator authenticator = new RequestAuthenticator(new HmacSignature(accessKey),
					settings.clock(), trustedBearerTokens);
			IdentityOperations operations = new IdentityOperations(state, tokens, settings.clock());
			server.createContext("/", new IdentityApi(operations, authenticator, settings.clock(), faults,
					requestCounts, limits, executor));
			server.createContext("/_emulator/", new ControlApi(accessKey, faults, limits));
			server.setExecutor(executor);
			certificateFile = (settings.dataDirectory() != null) ? settings.dataDirectory().resolve(CERTIFICATE_FILE)
					: Files.createTempFile("acs-emulator-cert", ".pem");
			certificate.writePem(certificateFile);
			server.start();
			URI endpoint = URI
				.create("https://" + endpointHost(settings.host()) + ":" + server.getAddress().getPort() + "/");
			AcsEmulator emulator = new AcsEmulator(state, tokens, certificate, certificateFile,
					settings.dataDirectory() == null, server, executor, endpoint, accessKey, settings.clock(), faults,
					requestCounts, limits, trustedBearerTokens);
			// The endpoint only: the access key never reaches a log line.
			logger.info("ACS emulator for resource {} listening at {}", state.resourceId(), endpoint);
			logger.info("ACS emulator TLS certificate: {} (trust it, e.g. NODE_EXTRA_CA_CERTS)", certificateFile);
			return emulator;
		}
		catch (IOException | RuntimeException ex) {
			if (server != null) {
				server.stop(0);
			}
			if (executor != null) {
				executor.shutdownNow();
			}
			state.close();
			if (certificateFile != null && settings.dataDirectory() == null) {
				deleteQuietly(certificateFile);
			}
			if (ex instanceof IOException io) {
				throw new UncheckedIOException(
						"Cannot start the ACS emulator on " + settings.host() + ":" + settings.port(), io);
			}
			throw (RuntimeException) ex;
		}
	}

	/**
	 * The connection string for the SDKs.
	 * @return {@code endpoint=https://127.0.0.1:PORT/;accesskey=BASE64KEY}
	 */
	public String connectionString() {
		return "endpoint=" + this.endpoint + ";accesskey=" + this.accessKey;
	}

	/**
	 * The HTTPS endpoint.
	 * @return e.g. {@code https://127.0.0.1:PORT/}
	 */
	public URI endpoint() {
		return this.endpoint;
	}

	/**
	 * The self-signed certificate that clients must trust (SAN: IP 127.0.0.1 and ::1, DNS
	 * localhost, and the configured host).
	 * @return the certificate of this run
	 */
	public X509Certificate certificate() {
		return this.certificate.certificate();
	}

	/**
	 * The certificate as a PEM file, for other programs (e.g.
	 * {@code NODE_EXTRA_CA_CERTS}).
	 * @return in the data directory, or a temporary file that {@link #close()} deletes
	 */
	public Path certificateFile() {
		return this.certificateFile;
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
		this.server.stop(0);
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
		this.state.close();
		if (this.temporaryCertificateFile) {
			deleteQuietly(this.certificateFile);
		}
		logger.info("ACS emulator at {} stopped", this.endpoint);
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.debug("Could not delete {}", file, ex);
		}
	}

	private static ScheduledExecutorService newExecutor() {
		int threads = Math.max(4, Math.min(32, 2 * Runtime.getRuntime().availableProcessors()));
		AtomicInteger count = new AtomicInteger();
		// Non-daemon threads: a standalone emulator keeps the JVM alive while it serves.
		ThreadFactory factory = (runnable) -> new Thread(runnable, "acs-emulator-" + count.incrementAndGet());
		/*
		 * A bounded number of threads; requests beyond that wait in the queue rather than
		 * being refused, as the JDK server has no good way to answer a rejection. The
		 * same pool runs answers held back by a latency fault, holding no thread while
		 * they wait; those still waiting when the emulator closes are not answered.
		 */
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, factory);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	private static String endpointHost(String host) {
		if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
			return "127.0.0.1";
		}
		if (host.contains(":") && !host.startsWith("[")) {
			return "[" + host + "]";
		}
		return host;
	}

}
