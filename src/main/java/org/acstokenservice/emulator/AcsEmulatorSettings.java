package org.acstokenservice.emulator;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * How to start an {@link AcsEmulator}.
 *
 * @param host the address to bind and to put in the connection string; {@code null} means
 * {@code 127.0.0.1}
 * @param port the port to bind; {@code 0} picks a free one
 * @param accessKey the base64 access key that clients sign with; {@code null} makes a
 * random 32-byte key (kept in the data directory, if any, so that it survives a restart)
 * @param dataDirectory where identities, revocations and the token signing key are kept;
 * {@code null} keeps them in memory only
 * @param clock the emulator's notion of now (tokens, signature dates, throttling
 * windows); {@code null} means the system clock in UTC
 * @param limits how the emulator throttles; {@code null} means
 * {@link LimitSettings#acs()}, ACS's limits
 */
public record AcsEmulatorSettings(String host, int port, @Nullable String accessKey, @Nullable Path dataDirectory,
		Clock clock, LimitSettings limits) {

	/** The loopback address that the emulator binds unless told otherwise. */
	public static final String DEFAULT_HOST = "127.0.0.1";

	/* Not a compact constructor: host, clock and limits may be null here, never after. */
	public AcsEmulatorSettings(@Nullable String host, int port, @Nullable String accessKey,
			@Nullable Path dataDirectory, @Nullable Clock clock, @Nullable LimitSettings limits) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
		}
		if (accessKey != null) {
			accessKey = accessKey.strip();
			if (!isBase64Key(accessKey)) {
				throw new IllegalArgumentException("accessKey must be a non-empty base64 string");
			}
		}
		this.host = (host == null || host.isBlank()) ? DEFAULT_HOST : host.strip();
		this.port = port;
		this.accessKey = accessKey;
		this.dataDirectory = dataDirectory;
		this.clock = (clock != null) ? clock : Clock.systemUTC();
		this.limits = (limits != null) ? limits : LimitSettings.acs();
	}

	/**
	 * Loopback, a free port, a random key, state only in memory, ACS's limits: what tests
	 * want.
	 */
	public static AcsEmulatorSettings inMemory() {
		return new AcsEmulatorSettings(null, 0, null, null, null, null);
	}

	/**
	 * Like {@link #inMemory()}, but the state (and the generated key) survive a restart.
	 */
	public static AcsEmulatorSettings persistentIn(Path dataDirectory) {
		return new AcsEmulatorSettings(null, 0, null, dataDirectory, null, null);
	}

	public AcsEmulatorSettings withHost(@Nullable String host) {
		return new AcsEmulatorSettings(host, this.port, this.accessKey, this.dataDirectory, this.clock, this.limits);
	}

	public AcsEmulatorSettings withPort(int port) {
		return new AcsEmulatorSettings(this.host, port, this.accessKey, this.dataDirectory, this.clock, this.limits);
	}

	public AcsEmulatorSettings withAccessKey(@Nullable String accessKey) {
		return new AcsEmulatorSettings(this.host, this.port, accessKey, this.dataDirectory, this.clock, this.limits);
	}

	public AcsEmulatorSettings withDataDirectory(@Nullable Path dataDirectory) {
		return new AcsEmulatorSettings(this.host, this.port, this.accessKey, dataDirectory, this.clock, this.limits);
	}

	public AcsEmulatorSettings withClock(@Nullable Clock clock) {
		return new AcsEmulatorSettings(this.host, this.port, this.accessKey, this.dataDirectory, clock, this.limits);
	}

	public AcsEmulatorSettings withLimits(@Nullable LimitSettings limits) {
		return new AcsEmulatorSettings(this.host, this.port, this.accessKey, this.dataDirectory, this.clock, limits);
	}

	/** Leaves the access key out: it is a secret. */
	@Override
	public String toString() {
		return "AcsEmulatorSettings[host=" + this.host + ", port=" + this.port + ", accessKey="
				+ ((this.accessKey != null) ? "(set)" : null) + ", dataDirectory=" + this.dataDirectory + ", clock="
				+ this.clock + ", limits=" + this.limits + "]";
	}

	private static boolean isBase64Key(String key) {
		try {
			return Base64.getDecoder().decode(key).length > 0;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
