package org.acstokenservice.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code acs.emulator.*} properties: where and how to run an {@link AcsEmulator}, and
 * the faults it injects from the start. The standalone {@link EmulatorApplication} binds
 * them, and an application can bind the same record with
 * {@code @EnableConfigurationProperties(AcsEmulatorProperties.class)} and
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
 */
@ConfigurationProperties("acs.emulator")
public record AcsEmulatorProperties(@DefaultValue(AcsEmulatorSettings.DEFAULT_HOST) String host,
		@DefaultValue("0") int port, String accessKey, String dataDir, @DefaultValue Faults faults) {

	/** Reads absent faults as none, as binding does, for a record made in code. */
	public AcsEmulatorProperties {
		faults = (faults != null) ? faults : Faults.NONE;
	}

	/**
	 * The settings these properties describe, with the system clock.
	 * @return the settings to start an emulator with
	 * @throws IllegalArgumentException if the port or access key is invalid
	 */
	public AcsEmulatorSettings toSettings() {
		Path directory = (this.dataDir != null && !this.dataDir.isBlank()) ? Path.of(this.dataDir) : null;
		return new AcsEmulatorSettings(this.host, this.port, this.accessKey, directory, null);
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
				+ "]";
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
	public record Faults(Duration latency, Integer status, Duration retryAfter, boolean drop, Double share,
			AcsOperation operation, Long seed) {

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
