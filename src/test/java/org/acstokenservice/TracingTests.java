package org.acstokenservice;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.acstokenservice.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces as an OpenTelemetry collector receives them: the service in local mode (the real
 * SDK calling the embedded emulator over HTTPS), JWT users of an issuer of its own, spans
 * exported over OTLP/HTTP to a receiver in this test, every request sampled, and loopback
 * ({@code 127.0.0.1}) as the one trusted proxy. Logs go to the console as people read
 * them and to a file as JSON (ECS), as a log collector reads them.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class TracingTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String ACCESS_KEY = randomKey();

	private static final String DATABASE_PASSWORD = "db-" + UUID.randomUUID();

	private static OtlpReceiver receiver;

	private static TestJwtIssuer issuer;

	private static JsonLines jsonLines;

	private static ConfigurableApplicationContext service;

	private static ServiceClient client;

	private static int port;

	@BeforeAll
	static void start() throws IOException {
		receiver = new OtlpReceiver();
		issuer = new TestJwtIssuer();
		Path work = Files.createTempDirectory("tracing-tests-");
		service = new SpringApplicationBuilder(AcsTokenServiceApplication.class).run("--server.port=0",
				"--spring.main.banner-mode=off", "--acs.emulator.access-key=" + ACCESS_KEY,
				"--acs.emulator.data-dir=" + work.resolve("emulator"),
				"--spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"--spring.datasource.username=sa", "--spring.datasource.password=" + DATABASE_PASSWORD,
				"--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuer.jwkSetUri(),
				"--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER,
				"--spring.security.oauth2.resourceserver.jwt.audiences=" + TestJwtIssuer.AUDIENCE,
				"--management.opentelemetry.tracing.export.otlp.endpoint=" + receiver.endpoint(),
				"--management.opentelemetry.tracing.export.schedule-delay=100ms",
				"--management.tracing.sampling.probability=1.0", "--server.forward-headers-strategy=native",
				"--server.tomcat.remoteip.internal-proxies=127.0.0.1/32");
		port = ((WebServerApplicationContext) service).getWebServer().getPort();
		client = new ServiceClient(port, (user) -> "Bearer " + issuer.token(user));
		jsonLines = new JsonLines();
	}

	@AfterAll
	static void stop() {
		if (jsonLines != null) {
			jsonLines.close();
		}
		if (service != null) {
			service.close();
		}
		if (issuer != null) {
			issuer.close();
		}
		if (receiver != null) {
			receiver.close();
		}
	}

	@Test
	void tokenWhenTrustedProxyForwardsTraceparentThenOneTraceWithDatabaseBucketAndAcsSpans(CapturedOutput output) {
		String traceId = randomHex(16);
		String callerSpanId = randomHex(8);
		String user = "traced-" + UUID.randomUUID();

		ServiceClient proxy = client.forwardedFor("203.0.113.7");
		HttpResponse<String> response = proxy.send(proxy.request("/token", user)
			.header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Trace trace = receiver.await(traceId,
				(spans) -> spans.server().isPresent() && spans.containsName("bucket acs-budget")
						&& spans.fromScope("azure").size() > 0 && spans.containsName("connection"));
		Span request = trace.server().orElseThrow();
		assertThat(id(request.getParentSpanId())).isEqualTo(callerSpanId);
		assertThat(request.getName()).isEqualTo("http post /token");
		assertThat(trace.descendantsOf(request)).extracting(Span::getName)
			.contains("bucket acs-budget", "connection", "query");
		assertThat(trace.fromScope("azure")).isNotEmpty()
			.allSatisfy((acs) -> assertThat(trace.isUnder(acs, request)).isTrue());
		assertThat(trace.spans()).allSatisfy((span) -> assertThat(id(span.getTraceId())).isEqualTo(traceId));
		assertThat(receiver.resourceAttribute("service.name")).isEqualTo("acs-token-service");
		assertThat(output.getAll()).as("human-readable lines").contains(traceId);
		assertThat(logLines()).as("JSON lines")
			.anySatisfy((line) -> assertThat(line.path("traceId").asString()).isEqualTo(traceId))
			.anySatisfy((line) -> assertThat(line.path("message").asString()).contains("Created ACS identity")
				.contains(user));
	}

	/**
	 * Every request here is sampled and times a query: a Prometheus exemplar on a
	 * summary's {@code _count} would make Prometheus 2.x refuse the whole scrape.
	 */
	@Test
	void metricsWhenScrapedAsOpenMetricsAfterSampledRequestsThenNoExemplar() {
		assertThat(client.post("/token", "scraped-" + UUID.randomUUID(), null).statusCode()).isEqualTo(200);
		String admin = "Bearer "
				+ issuer.token("ops-" + UUID.randomUUID(), (claims) -> claims.claim("roles", List.of("ADMIN")));

		HttpResponse<String> scrape = client.send(client.request("/actuator/prometheus", null)
			.header("Authorization", admin)
			.header("Accept", "application/openmetrics-text;version=1.0.0")
			.GET()
			.build());

		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("jdbc_query_seconds_count").doesNotContain("trace_id");
	}

	@Test
	void keySetWhenFetchedThenSpanOfTheRequestThatNeededIt() {
		HttpResponse<String> response = client.post("/token", "key-set-" + UUID.randomUUID(), null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		// The request's span ends after the fetch's, and may be exported later.
		Trace all = receiver.await(null,
				(spans) -> spans.spans()
					.stream()
					.anyMatch((span) -> issuer.jwkSetUri().equals(attribute(span, "http.url"))
							&& spans.ancestorsOf(span).stream().anyMatch(TracingTests::isServer)));
		Span fetch = all.spans()
			.stream()
			.filter((span) -> issuer.jwkSetUri().equals(attribute(span, "http.url")))
			.findFirst()
			.orElseThrow();
		assertThat(fetch.getName()).isEqualTo("http get");
		assertThat(all.ancestorsOf(fetch)).extracting(Span::getName).contains("http post /token");
	}

	@Test
	void tokenWhenCallerIsNoTrustedProxyThenItsTraceparentIsIgnored() throws IOException {
		String traceId = randomHex(16);
		String user = "untrusted-" + UUID.randomUUID();
		int before = receiver.serverSpans().size();

		String status = postFrom("127.0.0.2", "/token", issuer.token(user),
				"00-" + traceId + "-" + randomHex(8) + "-01");

		assertThat(status).startsWith("HTTP/1.1 200");
		Trace all = receiver.await(null, (spans) -> receiver.serverSpans().size() > before);
		assertThat(all.spans()).noneSatisfy((span) -> assertThat(id(span.getTraceId())).isEqualTo(traceId));
		assertThat(receiver.serverSpans().subList(before, receiver.serverSpans().size()))
			.allSatisfy((span) -> assertThat(span.getParentSpanId().isEmpty()).isTrue());
	}

	@Test
	void spansAndLogsWhenTokenIssuedThenNoSecret(CapturedOutput output) throws IOException {
		String jwt = issuer.token("secret-" + UUID.randomUUID());
		int before = receiver.serverSpans().size();

		HttpResponse<String> issued = client.postWithToken("/token", jwt, null);

		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		String token = ServiceClient.json(issued).path("token").asString();
		// The request's span ends last: once it is here, so is every span under it.
		receiver.await(null, (spans) -> receiver.serverSpans().size() > before);
		String exported = receiver.rawExports();
		String logs = output.getAll() + String.join("\n", jsonLines.lines);
		for (String secret : List.of(ACCESS_KEY, DATABASE_PASSWORD, jwt, token)) {
			assertThat(exported).as("spans").doesNotContain(secret);
			assertThat(logs).as("logs").doesNotContain(secret);
		}
		assertThat(exported).doesNotContainIgnoringCase("accesskey=").doesNotContain("Bearer ");
	}

	/**
	 * README promises that no span holds an app user id: every path that names one (a
	 * look-up, the admin's audit read, revocation and erasure) is exported as its
	 * template. The paths are the service's own mappings, so that a new one is covered
	 * without being listed here.
	 */
	@Test
	void spansWhenPathNamesAnAppUserThenOnlyItsTemplate() {
		String looker = "looker-" + UUID.randomUUID();
		String target = "target-" + UUID.randomUUID();
		String admin = issuer.token("admin-" + UUID.randomUUID(), (claims) -> claims.claim("roles", List.of("ADMIN")));
		Map<String, Set<RequestMethod>> paths = pathsNamingAnAppUser();
		int before = receiver.serverSpans().size();

		paths.forEach((template, methods) -> methods.forEach((method) -> {
			String path = template.replace("{appUserId}", target);
			HttpRequest.Builder request = template.startsWith("/admin/")
					? client.request(path, null).header("Authorization", "Bearer " + admin)
					: client.request(path, looker);
			client.send(request.method(method.name(), HttpRequest.BodyPublishers.noBody()).build());
		}));

		assertThat(paths).containsKeys("/users/{appUserId}/identity", "/admin/users/{appUserId}/audit",
				"/admin/users/{appUserId}/revoke", "/admin/users/{appUserId}");
		// Awaited by what they say: a late span of another test may come meanwhile.
		receiver.await(null, (spans) -> urlsSince(before).containsAll(paths.keySet()));
		assertThat(receiver.rawExports()).as("exported spans").doesNotContain(target);
	}

	/** The {@code http.url} of the requests' spans received after the first {@code n}. */
	private static Set<String> urlsSince(int n) {
		List<Span> spans = receiver.serverSpans();
		return spans.subList(n, spans.size())
			.stream()
			.map((span) -> attribute(span, "http.url"))
			.collect(Collectors.toSet());
	}

	/**
	 * The service's request mappings whose path has an {@code {appUserId}}, by method.
	 */
	private static Map<String, Set<RequestMethod>> pathsNamingAnAppUser() {
		Map<String, Set<RequestMethod>> paths = new TreeMap<>();
		service.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
			.getHandlerMethods()
			.keySet()
			.forEach((mapping) -> mapping.getPatternValues()
				.stream()
				.filter((pattern) -> pattern.contains("{appUserId}"))
				.forEach((pattern) -> paths.computeIfAbsent(pattern, (key) -> new TreeSet<>())
					.addAll(methodsOf(mapping))));
		return paths;
	}

	/**
	 * A mapping's methods; one that names none takes any, of which GET stands for all.
	 */
	private static Set<RequestMethod> methodsOf(RequestMappingInfo mapping) {
		Set<RequestMethod> methods = mapping.getMethodsCondition().getMethods();
		return methods.isEmpty() ? Set.of(RequestMethod.GET) : methods;
	}

	@Test
	void auditWhenTokenIssuedThenStructuredLineWithTheEventsFields() {
		String user = "audited-" + UUID.randomUUID();

		assertThat(client.post("/token", user, null).statusCode()).isEqualTo(200);

		JsonNode audit = awaitLogLine((line) -> "audit".equals(line.path("log").path("logger").asString())
				&& user.equals(line.path("audit").path("subject").asString()));
		assertThat(audit.path("audit").path("action").asString()).isEqualTo("TOKEN_ISSUE");
		assertThat(audit.path("audit").path("outcome").asString()).isEqualTo("SUCCESS");
		assertThat(audit.path("audit").path("actor").asString()).isEqualTo(user);
		assertThat(audit.path("audit").path("communicationUserId").asString()).startsWith("8:acs:");
		assertThat(audit.path("message").asString()).isEqualTo("TOKEN_ISSUE SUCCESS for " + user);
	}

	/**
	 * A request over a connection from another loopback address, which the service does
	 * not count among its proxies.
	 * @return the status line
	 */
	private static String postFrom(String address, String path, String bearerToken, String traceparent)
			throws IOException {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(address, 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(30000);
			String request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
					+ bearerToken + "\r\ntraceparent: " + traceparent
					+ "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
			return answer.substring(0, answer.indexOf("\r\n"));
		}
	}

	private static List<JsonNode> logLines() {
		return jsonLines.lines.stream().map(json::readTree).toList();
	}

	private static JsonNode awaitLogLine(Predicate<JsonNode> wanted) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			Optional<JsonNode> found = logLines().stream().filter(wanted).findFirst();
			if (found.isPresent()) {
				return found.get();
			}
			sleep();
		}
		throw new AssertionError("no such log line in " + jsonLines.lines);
	}

	private static boolean isServer(Span span) {
		return span.getKind() == Span.SpanKind.SPAN_KIND_SERVER;
	}

	private static String attribute(Span span, String key) {
		return span.getAttributesList()
			.stream()
			.filter((attribute) -> attribute.getKey().equals(key))
			.map((attribute) -> attribute.getValue().getStringValue())
			.findFirst()
			.orElse(null);
	}

	static String id(com.google.protobuf.ByteString bytes) {
		return HexFormat.of().formatHex(bytes.toByteArray());
	}

	private static String randomHex(int bytes) {
		byte[] random = new byte[bytes];
		new SecureRandom().nextBytes(random);
		return HexFormat.of().formatHex(random);
	}

	private static String randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	private static void sleep() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The spans of one trace (or of all traces) received so far, with their scopes. */
	record Trace(List<ScopedSpan> scoped) {

		List<Span> spans() {
			return this.scoped.stream().map(ScopedSpan::span).toList();
		}

		Optional<Span> server() {
			return spans().stream().filter(TracingTests::isServer).findFirst();
		}

		boolean containsName(String name) {
			return spans().stream().anyMatch((span) -> span.getName().equals(name));
		}

		/** The spans whose instrumentation scope's name starts so. */
		List<Span> fromScope(String prefix) {
			return this.scoped.stream()
				.filter((span) -> span.scope().startsWith(prefix))
				.map(ScopedSpan::span)
				.toList();
		}

		List<Span> descendantsOf(Span ancestor) {
			return spans().stream().filter((span) -> isUnder(span, ancestor)).toList();
		}

		List<Span> ancestorsOf(Span span) {
			Map<String, Span> byId = spans().stream()
				.collect(Collectors.toMap((each) -> id(each.getSpanId()), Function.identity(), (a, b) -> a));
			List<Span> ancestors = new ArrayList<>();
			Span parent = byId.get(id(span.getParentSpanId()));
			while (parent != null) {
				ancestors.add(parent);
				parent = byId.get(id(parent.getParentSpanId()));
			}
			return ancestors;
		}

		boolean isUnder(Span span, Span ancestor) {
			return ancestorsOf(span).stream().anyMatch((each) -> each.getSpanId().equals(ancestor.getSpanId()));
		}

	}

	record ScopedSpan(String scope, Span span) {
	}

	/**
	 * Every log event of the service as the image writes it
	 * ({@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}): Boot's own structured encoder,
	 * attached to the root logger beside the console. An appender of the test's own,
	 * since Boot sets up logging once per JVM while other contexts are open.
	 */
	static final class JsonLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {

		final List<String> lines = new CopyOnWriteArrayList<>();

		private final StructuredLogEncoder encoder = new StructuredLogEncoder();

		private final ch.qos.logback.classic.Logger root;

		JsonLines() {
			LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
			this.encoder.setFormat("ecs");
			this.encoder.setContext(logback);
			this.encoder.start();
			setContext(logback);
			start();
			this.root = logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
			this.root.addAppender(this);
		}

		@Override
		protected void append(ILoggingEvent event) {
			this.lines.add(new String(this.encoder.encode(event), StandardCharsets.UTF_8).strip());
		}

		@Override
		public void close() {
			this.root.detachAppender(this);
			stop();
		}

	}

	/**
	 * An OTLP/HTTP receiver, as a collector's: Boot's exporter posts protobuf
	 * {@code ExportTraceServiceRequest}s to the configured URL.
	 */
	static final class OtlpReceiver implements AutoCloseable {

		private final HttpServer server;

		private final List<ScopedSpan> received = new CopyOnWriteArrayList<>();

		private final List<ResourceSpans> resources = new CopyOnWriteArrayList<>();

		private final StringBuffer raw = new StringBuffer();

		OtlpReceiver() throws IOException {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			this.server.createContext("/v1/traces", (exchange) -> {
				byte[] body = exchange.getRequestBody().readAllBytes();
				this.raw.append(new String(body, StandardCharsets.ISO_8859_1));
				for (ResourceSpans resource : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
					this.resources.add(resource);
					for (ScopeSpans scope : resource.getScopeSpansList()) {
						scope.getSpansList()
							.forEach((span) -> this.received.add(new ScopedSpan(scope.getScope().getName(), span)));
					}
				}
				exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
				exchange.sendResponseHeaders(200, -1);
				exchange.close();
			});
			this.server.start();
		}

		String endpoint() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
		}

		/**
		 * Waits up to 10 s until the spans of the trace ({@code null}: of all traces)
		 * satisfy the condition.
		 */
		Trace await(String traceId, Predicate<Trace> done) {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			Trace trace = trace(traceId);
			while (!done.test(trace)) {
				if (System.nanoTime() > deadline) {
					throw new AssertionError("spans received: " + trace.spans());
				}
				sleep();
				trace = trace(traceId);
			}
			return trace;
		}

		/** The requests' spans received so far, in the order received. */
		List<Span> serverSpans() {
			return trace(null).spans()
				.stream()
				.filter((span) -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
				.toList();
		}

		String resourceAttribute(String key) {
			return this.resources.stream()
				.flatMap((resource) -> resource.getResource().getAttributesList().stream())
				.filter((attribute) -> attribute.getKey().equals(key))
				.map(KeyValue::getValue)
				.map((value) -> value.getStringValue())
				.findFirst()
				.orElse(null);
		}

		/**
		 * Everything received, as bytes: a secret in any attribute, name or event shows.
		 */
		String rawExports() {
			return this.raw.toString();
		}

		private Trace trace(String traceId) {
			return new Trace(this.received.stream()
				.filter((scoped) -> traceId == null || id(scoped.span().getTraceId()).equals(traceId))
				.toList());
		}

		@Override
		public void close() {
			this.server.stop(0);
		}

	}

}
