package org.acstokenservice.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code acs.emulator.*} properties: where and how to run an {@link AcsEmulator}, how
 * it throttles, and the faults it injects from the start. The standalone
 * {@link EmulatorApplication} binds them, and an application can bind the same record
 * with {@code @EnableConfigurationProperties(AcsEmulatorProperties.class)} and
 * {@link #start()} an emulator from it. Invalid values are refused by
 * {@link #toSettings()} and {@link #start()}, before anything starts.
 *
 * @param host the address to bind and to put in the connection string; 127.0.0.1 unless
 * set
 * @param port the port to bind; a free one unless set
 * @param accessKey the base64 access key that clients sign with; random unless set (and
 * then kept in the data directory, if any); a secret, which {@link #toString()} leaves
 * out
 * @param dataDir where identities, revocations and the token signing key survive
 * restarts; in memory only unless set
 * @param faults faults to inject from the start, for benchmarks against a flaky ACS; none
 * unless set
 * @param limits ACS's limits, which the emulator enforces unless told otherwise
 */
@ConfigurationProperties("acs.emulator")
public record AcsEmulatorProperties(@DefaultValue(AcsEmulatorSettings.DEFAULT_HOST) String host,
		@DefaultValue("0") int port, @Nullable String accessKey, @Nullable String dataDir, @DefaultValue Faults faults,
		@DefaultValue Limits limits) {

	/**
	 * Reads absent faults as none and absent limits as ACS's, as binding does, for a
	 * record made in code.
	 */
	public AcsEmulatorProperties {
		faults = (faults != null) ? faults : Faults.NONE;
		limits = (limits != null) ? limits : Limits.ACS;
	}

	/**
	 * The settings these properties describe, with the system clock.
	 * @return the settings to start an emulator with
	 * @throws IllegalArgumentException if the port, access key or a limit is invalid
	 */
	public AcsEmulatorSettings toSettings() {
		Path directory = (this.dataDir != null && !this.dataDir.isBlank()) ? Path.of(this.dataDir) : null;
		return new AcsEmulatorSettings(this.host, this.port, this.accessKey, directory, null, this.limits.toSettings());
	}

	/**
	 * Starts an emulator with these settings and injects the configured faults.
	 * @return the running emulator; close it to stop
	 * @throws IllegalArgumentException if a property is invalid; nothing is started then
	 */
	public AcsEmulator start() {
		AcsEmulatorSettings settings = toSettings();
		List<Fault> configured = this.faults.toFaults();
		AcsEmulator emulator = AcsEmulator.start(settings);
		this.faults.applyTo(emulator.faults(), configured);
		return emulator;
	}

	@Override
	public String toString() {
		return "AcsEmulatorProperties[host=" + this.host + ", port=" + this.port + ", accessKey="
				+ ((this.accessKey != null) ? "(set)" : null) + ", dataDir=" + this.dataDir + ", faults=" + this.faults
				+ ", limits=" + this.limits + "]";
	}

	/**
	 * The {@code acs.emulator.limits.*} properties: ACS's limits per 30 seconds (see
	 * {@link AcsLimit}), which the emulator enforces with 429 and {@code Retry-After}
	 * unless told otherwise, e.g. {@code --acs.emulator.limits.enabled=false} for a
	 * benchmark of the emulator itself, or {@code --acs.emulator.limits.issue-token=100}
	 * to see a smaller resource.
	 *
	 * @param enabled whether calls beyond a limit get 429; true unless set
	 * @param window how far back a call counts (a sliding window, whole seconds); 30s,
	 * ACS's, unless set
	 * @param createIdentity calls of {@code POST /identities} without a token per window;
	 * 1000, ACS's, unless set
	 * @param createIdentityAndToken calls of {@code POST /identities} with
	 * {@code createTokenWithScopes} per window; 1000, ACS's, unless set
	 * @param issueToken calls of {@code :issueAccessToken} per window; 1000, ACS's,
	 * unless set
	 * @param revoke calls of {@code :revokeAccessTokens} per window; 500, ACS's, unless
	 * set
	 * @param delete calls of {@code DELETE /identities/{id}} per window; 500, ACS's,
	 * unless set
	 * @param teamsExchange calls of {@code /teamsUser/:exchangeAccessToken} per window;
	 * 500, ACS's, unless set
	 */
	public record Limits(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration window,
			@Nullable Integer createIdentity, @Nullable Integer createIdentityAndToken, @Nullable Integer issueToken,
			@Nullable Integer revoke, @Nullable Integer delete, @Nullable Integer teamsExchange) {

		static final Limits ACS = new Limits(true, LimitSettings.ACS_WINDOW, null, null, null, null, null, null);

		/** The settings these properties describe; refuses a limit out of range. */
		LimitSettings toSettings() {
			Map<AcsLimit, Integer> perWindow = new EnumMap<>(AcsLimit.class);
			putIfSet(perWindow, AcsLimit.CREATE_IDENTITY, this.createIdentity);
			putIfSet(perWindow, AcsLimit.CREATE_IDENTITY_AND_TOKEN, this.createIdentityAndToken);
			putIfSet(perWindow, AcsLimit.ISSUE_TOKEN, this.issueToken);
			putIfSet(perWindow, AcsLimit.REVOKE, this.revoke);
			putIfSet(perWindow, AcsLimit.DELETE, this.delete);
			putIfSet(perWindow, AcsLimit.TEAMS_EXCHANGE, this.teamsExchange);
			try {
				return new LimitSettings(this.enabled, this.window, perWindow);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("acs.emulator.limits: " + ex.getMessage(), ex);
			}
		}

		private static void putIfSet(Map<AcsLimit, Integer> perWindow, AcsLimit limit, @Nullable Integer value) {
			if (value != null) {
				perWindow.put(limit, value);
			}
		}

	}

	/**
	 * The {@code acs.emulator.faults.*} properties: each fault set here is injected into
	 * the given share of requests (see {@link FaultInjector}), e.g.
	 * {@code --acs.emulator.faults.latency=200ms --acs.emulator.faults.status=503
	 * --acs.emulator.faults.retry-after=2s --acs.emulator.faults.share=0.1}.
	 *
	 * @param latency holds answers back this long; none unless set
	 * @param status answers this status (e.g. 429, 500, 503) instead of doing the
	 * operation; none unless set
	 * @param retryAfter the {@code Retry-After} sent with {@code status}; none unless set
	 * @param drop closes the connection without answering instead of doing the operation;
	 * not with {@code status}
	 * @param share the share of requests, between 0 and 1, that each fault hits,
	 * independently; 1 (every request) unless set
	 * @param operation the only operation faulted (e.g. {@code create-identity}); every
	 * operation unless set
	 * @param seed the seed of the random draws for {@code share}; fixed unless set, so
	 * that runs are repeatable
	 */
	public record Faults(@Nullable Duration latency, @Nullable Integer status, @Nullable Duration retryAfter,
			boolean drop, @Nullable Double share, @Nullable AcsOperation operation, @Nullable Long seed) {

		static final Faults NONE = new Faults(null, null, null, false, null, null, null);

		/** The faults to inject; refuses settings that contradict each other. */
		List<Fault> toFaults() {
			if (this.status != null && this.drop) {
				throw new IllegalArgumentException("acs.emulator.faults.status and .drop cannot both be set");
			}
			if (this.retryAfter != null && this.status == null) {
				throw new IllegalArgumentException("acs.emulator.faults.retry-after needs acs.emulator.faults.status");
			}
			List<Fault> faults = new ArrayList<>();
			if (this.latency != null) {
				faults.add(Fault.latency(this.latency));
			}
			if (this.status != null) {
				faults.add((this.retryAfter != null) ? Fault.status(this.status, this.retryAfter)
						: Fault.status(this.status));
			}
			if (this.drop) {
				faults.add(Fault.drop());
			}
			if (this.share != null && !(this.share >= 0 && this.share <= 1)) {
				throw new IllegalArgumentException(
						"acs.emulator.faults.share must be between 0 and 1, not " + this.share);
			}
			return faults;
		}

		void applyTo(FaultInjector injector, List<Fault> faults) {
			if (this.seed != null) {
				injector.seed(this.seed);
			}
			double everyOrShare = (this.share != null) ? this.share : 1.0;
			for (Fault fault : faults) {
				if (this.operation != null) {
					injector.injectShare(everyOrShare, this.operation, fault);
				}
				else {
					injector.injectShare(everyOrShare, fault);
				}
			}
		}

	}

}
