package benchmark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What to run and for how long (seconds).
 *
 * @param smoke a short run for CI: checks that the harness works, not how fast anything
 * is
 * @param coldStart only the rows of a cold start (1, 2, 9 and 10): the service's warm-up
 * curve and the reference, a few minutes, for trying what changes a warm-up
 * @param atDefaults only rows 20 to 23: statements per {@code /token} and audit bytes
 * with the per-user rate limit at its defaults, over {@code manyUsers}
 * @param soak only the soak: one service process under a steady paced load for
 * {@code soakMinutes}, sampled every {@code soakSample} seconds
 * @param floodNetworks only rows 24 and 25: a flood of forged tokens from rotating IPv6
 * /64s behind a trusted proxy, beside new users' first tokens, on one service process
 * with every limit at its defaults
 * @param soakMinutes the soak's length
 * @param soakSample seconds between the soak's samples: a minute, or a twelfth of a
 * shorter soak
 * @param soakWarmup the soak's first seconds, after which no figure should grow: five
 * minutes, or a third of a shorter soak
 * @param manyUsers users of rows 20 to 23 and of the soak's steady load: enough that none
 * exceeds the per-user rate limit's defaults
 * @param perUser the most requests a minute that each of {@code manyUsers} sends: the
 * pace of rows 20 to 23 and of the soak's reuse hits
 * @param soakConnections the soak's connections of reuse hits, each paced
 * @param soakDelayMillis the pause between an answer and the next request of each of them
 * @param newUserDelayMillis the pause between new users in the soak and in
 * {@code floodNetworks} (one connection): 1000 ms, or 200 ms in {@code floodNetworks}
 * @param connections wrk's connections, the fixed concurrency of every load row
 * @param threads wrk's threads
 * @param users distinct users whose tokens the load rows use in turn
 * @param warmup load before the reference, fresh-token and direct-SDK measurements
 * @param measure length of each measurement
 * @param slice length of a slice of the warm-up curve
 * @param slices slices in the warm-up curve
 * @param coldSlice the slice (from 1) reported as the reuse hit after a cold start
 * @param steadyAfter load since the cold start before the steady reuse measurement
 * @param newUsersWarmup new users before the new-user measurement
 * @param latencyMillis what the emulator adds to each ACS call
 * @param instances service instances in the fleet rows
 * @param fleetWarmup load on the fleet before it is measured
 * @param flood length of each measured flood of forged tokens: 15 s, or 20 s in
 * {@code floodNetworks}
 * @param floodWarmup a flood of the same kind before each measured one
 * @param floodConnections wrk's connections sending forged tokens
 * @param floodUsers signed-in users during a flood, each on a connection of their own
 * @param floodDelayMillis the pause between an answer and a flood user's next request
 * @param jar the service's jar
 * @param serviceArguments more arguments for the service, such as
 * {@code --token-service.sign-in.verified-tokens.enabled=false} to measure without one
 * lever
 * @param serviceJvmFlags more flags for the service's JVM (after the image's), such as
 * {@code -XX:CICompilerCount=3}
 * @param serviceJava the {@code java} that runs the service, such as another JDK's;
 * empty: the benchmark's own
 * @param lua wrk's script for the load rows; the flood rows' scripts ({@code flood.lua},
 * {@code users.lua}) are beside it
 * @param work where logs and results go
 * @param referenceClasspath the class path of the reference and the direct SDK client:
 * this JVM's, the test classes and the dependencies, without the service's own classes
 * and {@code application.yml}
 */
record Settings(boolean smoke, boolean coldStart, boolean atDefaults, boolean soak, boolean floodNetworks,
		int soakMinutes, int soakSample, int soakWarmup, int manyUsers, int perUser, int soakConnections,
		int soakDelayMillis, int newUserDelayMillis, int connections, int threads, int users, int warmup, int measure,
		int slice, int slices, int coldSlice, int steadyAfter, int newUsersWarmup, int latencyMillis, int instances,
		int fleetWarmup, int flood, int floodWarmup, int floodConnections, int floodUsers, int floodDelayMillis,
		Path jar, List<String> serviceArguments, List<String> serviceJvmFlags, Optional<Path> serviceJava, Path lua,
		Path work, String referenceClasspath) {

	static Settings of(Map<String, String> options) {
		Map<String, String> values = new LinkedHashMap<>(options);
		boolean smoke = Boolean.parseBoolean(values.remove("smoke"));
		boolean coldStart = Boolean.parseBoolean(values.remove("cold-start"));
		boolean atDefaults = Boolean.parseBoolean(values.remove("at-defaults"));
		boolean soak = Boolean.parseBoolean(values.remove("soak"));
		boolean floodNetworks = Boolean.parseBoolean(values.remove("flood-networks"));
		int soakMinutes = number(values, "soak-minutes", smoke ? 1 : 30);
		Settings settings = new Settings(smoke, coldStart, atDefaults, soak, floodNetworks, soakMinutes,
				number(values, "soak-sample", Math.min(60, soakMinutes * 60 / 12)),
				number(values, "soak-warmup", Math.min(300, soakMinutes * 60 / 3)),
				number(values, "many-users", smoke ? 1000 : 8000), number(values, "per-user", 3),
				number(values, "soak-connections", 8), number(values, "soak-delay", 10),
				number(values, "new-user-delay", floodNetworks ? 200 : 1000), number(values, "connections", 32),
				number(values, "threads", 2), number(values, "users", 200), number(values, "warmup", smoke ? 3 : 60),
				number(values, "measure", smoke ? 3 : 20), number(values, "slice", smoke ? 3 : 10),
				number(values, "slices", smoke ? 2 : 12), number(values, "cold-slice", smoke ? 2 : 4),
				number(values, "steady-after", smoke ? 6 : 120), number(values, "new-users-warmup", smoke ? 3 : 20),
				number(values, "latency", 50), number(values, "instances", 3),
				number(values, "fleet-warmup", smoke ? 6 : 120),
				number(values, "flood", smoke ? 3 : floodNetworks ? 20 : 15),
				number(values, "flood-warmup", smoke ? 2 : 5), number(values, "flood-connections", 200),
				number(values, "flood-users", 20), number(values, "flood-delay", 50), Path.of(required(values, "jar")),
				words(values.get("service-args")), words(values.get("service-jvm-args")),
				Optional.ofNullable(values.get("service-java")).map(Path::of),
				Path.of(values.getOrDefault("lua", "scripts/benchmark/tokens.lua")),
				Path.of(values.getOrDefault("work", "target/benchmark")), System.getProperty("java.class.path"));
		values.keySet().removeAll(List.of("jar", "service-args", "service-jvm-args", "service-java", "lua", "work"));
		if (!values.isEmpty()) {
			throw new IllegalArgumentException("Unknown options: " + values.keySet());
		}
		if (settings.instances() < 2) {
			throw new IllegalArgumentException("--instances must be at least 2");
		}
		if (settings.floodUsers() < 1 || settings.floodUsers() > settings.users()) {
			throw new IllegalArgumentException("--flood-users must be between 1 and --users");
		}
		if (settings.floodConnections() < settings.threads()) {
			throw new IllegalArgumentException("--flood-connections must be at least --threads");
		}
		if (List.of(coldStart, atDefaults, soak, floodNetworks).stream().filter(Boolean::booleanValue).count() > 1) {
			throw new IllegalArgumentException(
					"--cold-start, --at-defaults, --soak and --flood-networks are runs of their own: one at most");
		}
		if (settings.newUserDelayMillis() < 1) {
			throw new IllegalArgumentException("--new-user-delay must be at least 1 (ms)");
		}
		if (settings.perUser() < 1) {
			throw new IllegalArgumentException("--per-user must be at least 1 (requests a minute)");
		}
		if (settings.soakMinutes() < 1) {
			throw new IllegalArgumentException("--soak-minutes must be at least 1");
		}
		if (settings.soakSample() < 1 || settings.soakWarmup() < 0
				|| settings.soakMinutes() * 60 - settings.soakWarmup() < 3 * settings.soakSample()) {
			throw new IllegalArgumentException(
					"--soak-sample must be at least 1 s and fit 3 times in --soak-minutes after --soak-warmup");
		}
		if (settings.coldSlice() < 1 || settings.coldSlice() > settings.slices()) {
			throw new IllegalArgumentException("--cold-slice must be one of the --slices");
		}
		return settings;
	}

	private static List<String> words(String value) {
		return (value != null) ? Stream.of(value.split(" ")).filter((word) -> !word.isBlank()).toList() : List.of();
	}

	private static int number(Map<String, String> values, String name, int otherwise) {
		String value = values.remove(name);
		return (value != null) ? Integer.parseInt(value) : otherwise;
	}

	private static String required(Map<String, String> values, String name) {
		String value = values.get(name);
		if (value == null) {
			throw new IllegalArgumentException("--" + name + " is required");
		}
		return value;
	}

	/** {@code --name=value} and {@code --flag} arguments. */
	static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument " + arg + "; options are --name=value");
			}
			int equals = arg.indexOf('=');
			options.put((equals < 0) ? arg.substring(2) : arg.substring(2, equals),
					(equals < 0) ? "true" : arg.substring(equals + 1));
		}
		return options;
	}

}
