package org.acstokenservice.emulator;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How an emulator throttles: whether it does, over what window and with which limit per
 * {@link AcsLimit}. Start from {@link #acs()} (ACS's numbers over 30 seconds, what every
 * emulator has unless told otherwise) or {@link #off()}.
 *
 * @param enabled whether calls beyond a limit get 429; when {@code false} nothing is
 * counted or refused
 * @param window how far back a call counts against its limit: a whole number of seconds,
 * 1 second to 1 hour; {@code null} means 30 seconds, ACS's window
 * @param perWindow how many calls of each limit the window admits, each between 1 and
 * {@value #MAX_PER_WINDOW}; a limit left out has ACS's number
 */
public record LimitSettings(boolean enabled, Duration window, Map<AcsLimit, Integer> perWindow) {

	/** ACS's window: its limits are per 30 seconds. */
	public static final Duration ACS_WINDOW = Duration.ofSeconds(30);

	/**
	 * The highest limit the emulator takes: it keeps the time of every call in the
	 * window, so a limit costs memory (8 bytes a call) as well as meaning.
	 */
	public static final int MAX_PER_WINDOW = 100_000;

	private static final Duration MAX_WINDOW = Duration.ofHours(1);

	/* Not a compact constructor: window and perWindow may be null here, never after. */
	public LimitSettings(boolean enabled, @Nullable Duration window, @Nullable Map<AcsLimit, Integer> perWindow) {
		window = (window != null) ? window : ACS_WINDOW;
		if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MAX_WINDOW) > 0 || window.getNano() != 0) {
			throw new IllegalArgumentException(
					"window must be a whole number of seconds between 1s and 1h, not " + window);
		}
		Map<AcsLimit, Integer> complete = new EnumMap<>(AcsLimit.class);
		for (AcsLimit limit : AcsLimit.values()) {
			Integer given = (perWindow != null) ? perWindow.get(limit) : null;
			int value = (given != null) ? given : limit.acsPerWindow();
			if (value < 1 || value > MAX_PER_WINDOW) {
				throw new IllegalArgumentException("the limit of " + limit.propertyName() + " must be between 1 and "
						+ MAX_PER_WINDOW + ", not " + value);
			}
			complete.put(limit, value);
		}
		this.enabled = enabled;
		this.window = window;
		this.perWindow = Collections.unmodifiableMap(complete);
	}

	/**
	 * ACS's limits: 1000 or 500 calls per 30 seconds (see {@link AcsLimit}).
	 * @return enabled, ACS's numbers and window
	 */
	public static LimitSettings acs() {
		return new LimitSettings(true, ACS_WINDOW, null);
	}

	/**
	 * No throttling at all, e.g. for a benchmark of the emulator's own capacity.
	 * @return disabled
	 */
	public static LimitSettings off() {
		return new LimitSettings(false, ACS_WINDOW, null);
	}

	/**
	 * The limit of one operation.
	 * @param limit which one
	 * @return calls per window
	 */
	public int perWindow(AcsLimit limit) {
		return Objects.requireNonNull(this.perWindow.get(limit), "every limit has a number");
	}

	public LimitSettings withEnabled(boolean enabled) {
		return new LimitSettings(enabled, this.window, this.perWindow);
	}

	public LimitSettings withWindow(Duration window) {
		return new LimitSettings(this.enabled, Objects.requireNonNull(window, "window"), this.perWindow);
	}

	/**
	 * These settings with another limit for one operation.
	 * @param limit which operation
	 * @param perWindow calls per window, 1 to {@value #MAX_PER_WINDOW}
	 * @return new settings
	 */
	public LimitSettings withLimit(AcsLimit limit, int perWindow) {
		Map<AcsLimit, Integer> changed = new EnumMap<>(this.perWindow);
		changed.put(Objects.requireNonNull(limit, "limit"), perWindow);
		return new LimitSettings(this.enabled, this.window, changed);
	}

	/**
	 * These settings with the same limit for every operation: small limits keep tests
	 * fast.
	 * @param perWindow calls per window, 1 to {@value #MAX_PER_WINDOW}
	 * @return new settings
	 */
	public LimitSettings withEveryLimit(int perWindow) {
		Map<AcsLimit, Integer> changed = new EnumMap<>(AcsLimit.class);
		for (AcsLimit limit : AcsLimit.values()) {
			changed.put(limit, perWindow);
		}
		return new LimitSettings(this.enabled, this.window, changed);
	}

}
