package benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import benchmark.Processes.Child;
import org.acstokenservice.testsupport.TestJwtIssuer;

/**
 * Starts the JVMs that the rows measure, with the image's flags: service processes as
 * operators run them, the reference endpoint, and the direct SDK client.
 */
final class Launcher {

	/**
	 * The image's JVM flags ({@code JAVA_TOOL_OPTIONS} in the Dockerfile), for the
	 * service, the reference and the SDK client alike; -Xmx576m is what the image's
	 * -XX:MaxRAMPercentage=75 gives under the Kubernetes memory limit of 768 MiB.
	 */
	static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx576m",
			"-XX:+ExitOnOutOfMemoryError", "-XX:CICompilerCount=6", "-XX:-UseDynamicNumberOfCompilerThreads");

	/** This JVM's {@code java}: the reference's, the SDK client's, the emulator's. */
	static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

	/**
	 * A capacity that no run reaches: a limit that takes from every request, never
	 * refuses.
	 */
	private static final int UNREACHABLE = 1_000_000_000;

	/**
	 * The service's configuration as operators run it, every limit on (the per-user rate
	 * limit, the fleet's ACS call budget, the failed sign-in limit: their defaults), but
	 * with capacities that no run reaches, so that the load measures the limits' cost and
	 * not their refusals. Periods and the failed sign-in limit stay at their defaults.
	 * The ACS budget's windows take at most 10,000 calls each (a row per call on
	 * PostgreSQL), which no run reaches in 30 s either.
	 */
	static final List<String> LIMITS_UNREACHABLE = Stream
		.concat(Stream.of("--token-service.policy.rate-limit.capacity=" + UNREACHABLE), acsBudgetRaised().stream())
		.toList();

	/**
	 * Rows 20 to 23 and the soak: the per-user rate limit at its defaults (not named, so
	 * that a later build's defaults apply), and the fleet's ACS call budget as in
	 * {@link #LIMITS_UNREACHABLE} (10,000 calls per 30 s, the most it takes), which the
	 * paced first pass over the users stays under. The measured windows make no ACS call.
	 */
	static final List<String> RATE_LIMIT_DEFAULTS = acsBudgetRaised();

	/**
	 * ACS calls a second that a first pass over new users may make: 3/4 of the budget's.
	 */
	static final int FIRST_PASS_CALLS_A_SECOND = 250;

	/** ACS's limits in the budget raised to 10,000 calls per 30 s, with no reserve. */
	private static List<String> acsBudgetRaised() {
		return List.of("--acs.budget.reserved-percent=0", "--acs.budget.limits.create-identity-and-token=10000",
				"--acs.budget.limits.issue-token=10000", "--acs.budget.limits.revoke=10000");
	}

	/**
	 * Row 14's own process: the limits that have a switch, off. The failed sign-in limit
	 * has none; it counts failed sign-ins only, and row 14 has none.
	 */
	static final List<String> LIMITS_OFF = List.of("--token-service.policy.rate-limit.enabled=false",
			"--acs.budget.enabled=false");

	/**
	 * {@code --flood-networks}: the service behind a proxy on loopback that it trusts (as
	 * {@code SignInFloodTests} runs it), so that it believes the {@code X-Forwarded-For}
	 * that wrk sends.
	 */
	static final List<String> TRUSTED_PROXY = List.of("--server.forward-headers-strategy=native",
			"--server.tomcat.remoteip.internal-proxies=127.0.0.1/32");

	private final Settings settings;

	private final Processes processes;

	private final Emulator emulator;

	private final KeySetServer keySet;

	private final String databasePassword;

	/**
	 * @param keySet the issuer's key set as the service and the reference fetch it
	 * @param databasePassword the password of {@link Database#USER}
	 */
	Launcher(Settings settings, Processes processes, Emulator emulator, KeySetServer keySet, String databasePassword) {
		this.settings = settings;
		this.processes = processes;
		this.emulator = emulator;
		this.keySet = keySet;
		this.databasePassword = databasePassword;
	}

	/**
	 * A service process as operators run it, with every limit on but capacities that no
	 * run reaches ({@link #LIMITS_UNREACHABLE}). An argument of {@code --service-args}
	 * replaces any of the benchmark's that names the same option, and a row's own
	 * arguments replace both: Spring would join the values of an option given twice with
	 * a comma ("false,true").
	 * @param jdbcUrl the database, one of {@link Database#create}
	 * @param rowArguments the row's own switches, such as {@link #LIMITS_OFF}
	 */
	Server startService(String name, String jdbcUrl, List<String> rowArguments) {
		return startService(name, jdbcUrl, LIMITS_UNREACHABLE, rowArguments);
	}

	/**
	 * A service process as operators run it, the per-user rate limit at its defaults
	 * ({@link #RATE_LIMIT_DEFAULTS}); {@code --service-args} as for
	 * {@link #startService}.
	 */
	Server startServiceAtDefaults(String name, String jdbcUrl) {
		return startService(name, jdbcUrl, RATE_LIMIT_DEFAULTS, List.of());
	}

	/**
	 * A service process with every limit at its defaults, as shipped: the per-user rate
	 * limit, the ACS budget (ACS's limits less its reserve) and the failed sign-in limit;
	 * {@code --service-args} as for {@link #startService}.
	 * @param rowArguments the run's own switches, such as {@link #TRUSTED_PROXY}
	 */
	Server startServiceAsShipped(String name, String jdbcUrl, List<String> rowArguments) {
		return startService(name, jdbcUrl, List.of(), rowArguments);
	}

	private Server startService(String name, String jdbcUrl, List<String> limits, List<String> rowArguments) {
		int port = Server.freePort();
		List<String> command = new ArrayList<>();
		command.add(this.settings.serviceJava().map(Path::toString).orElse(JAVA.toString()));
		command.addAll(JVM_FLAGS);
		command.addAll(this.settings.serviceJvmFlags());
		command.addAll(List.of("-jar", this.settings.jar().toString()));
		Map<String, String> arguments = new LinkedHashMap<>();
		Stream
			.of(List.of("--server.address=127.0.0.1", "--server.port=" + port,
					"--acs.trusted-certificate=" + this.emulator.certificate(), "--spring.datasource.url=" + jdbcUrl,
					"--spring.datasource.username=" + Database.USER), jwtArguments(), limits,
					this.settings.serviceArguments(), rowArguments)
			.flatMap(List::stream)
			.forEach((argument) -> arguments.put(optionName(argument), argument));
		command.addAll(arguments.values());
		return new Server(this.processes.start(name, command, Map.of("ACS_CONNECTION_STRING",
				this.emulator.connectionString(), "SPRING_DATASOURCE_PASSWORD", this.databasePassword)), port);
	}

	/**
	 * {@code --token-service.policy.rate-limit.enabled} of
	 * {@code --token-service.policy.rate-limit.enabled=false}.
	 */
	private static String optionName(String argument) {
		int equals = argument.indexOf('=');
		return (equals < 0) ? argument : argument.substring(0, equals);
	}

	/**
	 * The reference endpoint, answering {@code bodySize} bytes behind the same JWT check.
	 */
	Server startReference(int bodySize) {
		int port = Server.freePort();
		List<String> command = new ArrayList<>();
		command.add(JAVA.toString());
		command.addAll(JVM_FLAGS);
		command.addAll(List.of("-cp", this.settings.referenceClasspath(), ReferenceApplication.class.getName(),
				"--server.address=127.0.0.1", "--server.port=" + port,
				"--management.endpoint.health.probes.enabled=true",
				/* On the class path for the service, not part of a bare endpoint. */
				"--springdoc.api-docs.enabled=false", "--springdoc.swagger-ui.enabled=false",
				"--reference.body-size=" + bodySize));
		command.addAll(jwtArguments());
		return new Server(this.processes.start("reference", command, Map.of()), port);
	}

	private List<String> jwtArguments() {
		String prefix = "--spring.security.oauth2.resourceserver.jwt.";
		return List.of(prefix + "jwk-set-uri=" + this.keySet.uri(), prefix + "issuer-uri=" + TestJwtIssuer.ISSUER,
				prefix + "audiences=" + TestJwtIssuer.AUDIENCE);
	}

	/**
	 * Row 5: the direct SDK client's load on the emulator, its warm-up and measurement.
	 */
	LoadResult sdkLoad() {
		Settings s = this.settings;
		List<String> command = new ArrayList<>();
		command.add(JAVA.toString());
		command.addAll(JVM_FLAGS);
		command.addAll(List.of("-cp", s.referenceClasspath(), SdkLoad.class.getName(),
				"--pem=" + this.emulator.certificate(), "--connections=" + s.connections(), "--users=" + s.users(),
				"--warmup=" + s.warmup(), "--measure=" + s.measure()));
		Child sdk = this.processes.start("sdk", command,
				Map.of("ACS_CONNECTION_STRING", this.emulator.connectionString()));
		int exit = sdk.await(Duration.ofSeconds(s.warmup() + s.measure() + 120));
		if (exit != 0) {
			throw new IllegalStateException("The direct SDK load failed (exit " + exit + "); see " + sdk.log());
		}
		return LoadResult.parseLine(sdk.output());
	}

}
