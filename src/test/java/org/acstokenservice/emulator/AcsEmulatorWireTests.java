package org.acstokenservice.emulator;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator on the wire, with requests the tests sign themselves: what ACS refuses,
 * the emulator refuses the same way.
 */
@IntegrationTest
class AcsEmulatorWireTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String CREATE = "/identities?api-version=2022-10-01";

	/**
	 * One emulator for the class keeps the tests fast; a test that moves the clock starts
	 * its own.
	 */
	private static AcsEmulator shared;

	private AcsEmulator emulator;

	private HttpClient http;

	private String key;

	@BeforeAll
	static void startShared() {
		shared = AcsEmulator.start(AcsEmulatorSettings.inMemory());
	}

	@AfterAll
	static void stopShared() {
		shared.close();
	}

	@BeforeEach
	void useShared() {
		use(shared);
	}

	private void use(AcsEmulator emulator) {
		this.emulator = emulator;
		this.http = TestClients.raw(emulator);
		this.key = TestClients.accessKey(emulator);
	}

	@Test
	void createIdentityWhenSignedThenCreated() {
		HttpResponse<String> response = send("POST", CREATE, "{}", this.key, Instant.now());
		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(read(response).at("/identity/id").stringValue())
			.startsWith("8:acs:" + this.emulator.resourceId() + "_");
		assertThat(read(response).has("accessToken")).isFalse();
	}

	@Test
	void createIdentityWhenEmptyBodyThenCreated() {
		assertThat(send("POST", CREATE, "", this.key, Instant.now()).statusCode()).isEqualTo(201);
	}

	@Test
	void createIdentityWhenRepeatabilityRequestIdRepeatedThenSameIdentity() {
		String requestId = java.util.UUID.randomUUID().toString();
		HttpResponse<String> first = TestClients.send(this.http,
				TestClients.signed(this.emulator, "POST", CREATE, "{}", this.key, Instant.now())
					.header("Repeatability-Request-ID", requestId)
					.header("Repeatability-First-Sent", HmacSignature.formatDate(Instant.now()))
					.build());
		HttpResponse<String> retry = TestClients.send(this.http,
				TestClients.signed(this.emulator, "POST", CREATE, "{}", this.key, Instant.now())
					.header("Repeatability-Request-ID", requestId)
					.build());
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.headers().firstValue("Repeatability-Result")).hasValue("accepted");
		assertThat(read(retry).at("/identity/id").stringValue())
			.isEqualTo(read(first).at("/identity/id").stringValue());
		assertThat(createIdentity()).isNotEqualTo(read(first).at("/identity/id").stringValue());
	}

	@Test
	void createIdentityWhenKeyWrongThenDenied() {
		assertDenied(send("POST", CREATE, "{}", "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXkhIQ==", Instant.now()));
	}

	@Test
	void createIdentityWhenDateStaleThenDenied() {
		assertDenied(send("POST", CREATE, "{}", this.key, Instant.now().minus(Duration.ofMinutes(16))));
		assertDenied(send("POST", CREATE, "{}", this.key, Instant.now().plus(Duration.ofMinutes(16))));
		assertThat(send("POST", CREATE, "{}", this.key, Instant.now().minus(Duration.ofMinutes(14))).statusCode())
			.isEqualTo(201);
	}

	@Test
	void createIdentityWhenBodyTamperedThenDenied() {
		HttpRequest request = TestClients.signed(this.emulator, "POST", CREATE, "{}", this.key, Instant.now())
			.method("POST", HttpRequest.BodyPublishers.ofString("{\"createTokenWithScopes\":[\"chat\"]}"))
			.build();
		HttpResponse<String> response = TestClients.send(this.http, request);
		assertDenied(response);
		assertThat(read(response).at("/error/message").stringValue())
			.isEqualTo("Request 'x-ms-content-sha256' differs from generated content hash.");
	}

	@Test
	void createIdentityWhenPathTamperedThenDenied() {
		HttpRequest request = TestClients
			.signed(this.emulator, "POST", "/identities?api-version=2023-10-01", "{}", this.key, Instant.now())
			.uri(this.emulator.endpoint().resolve(CREATE))
			.build();
		assertDenied(TestClients.send(this.http, request));
	}

	@Test
	void createIdentityWhenHeaderMissingThenDenied() {
		for (String header : List.of("x-ms-date", "x-ms-content-sha256", "Authorization")) {
			HttpRequest.Builder builder = HttpRequest.newBuilder(this.emulator.endpoint().resolve(CREATE))
				.POST(HttpRequest.BodyPublishers.ofString("{}"));
			HttpRequest signed = TestClients.signed(this.emulator, "POST", CREATE, "{}", this.key, Instant.now())
				.build();
			signed.headers().map().forEach((name, values) -> {
				if (!name.equalsIgnoreCase(header)) {
					values.forEach((value) -> builder.header(name, value));
				}
			});
			assertDenied(TestClients.send(this.http, builder.build()));
		}
	}

	@Test
	void createIdentityWhenApiVersionUnknownOrMissingThenRefused() {
		for (String path : List.of("/identities?api-version=2020-07-20-preview1", "/identities",
				"/identities?api-version=")) {
			HttpResponse<String> response = send("POST", path, "{}", this.key, Instant.now());
			assertThat(response.statusCode()).as(path).isEqualTo(400);
			assertThat(read(response).at("/error/code").stringValue()).isEqualTo("UnsupportedApiVersion");
		}
	}

	@Test
	void createIdentityWhenEveryStableApiVersionThenCreated() {
		for (String version : List.of("2021-03-07", "2022-06-01", "2022-10-01", "2023-10-01")) {
			assertThat(send("POST", "/identities?api-version=" + version, "{}", this.key, Instant.now()).statusCode())
				.as(version)
				.isEqualTo(201);
		}
	}

	@Test
	void createIdentityWhenJsonMalformedThenBadRequest() {
		for (String body : List.of("{", "[]", "{\"createTokenWithScopes\":\"chat\"}",
				"{\"createTokenWithScopes\":[\"chat\"],\"expiresInMinutes\":\"60\"}",
				"{\"createTokenWithScopes\":[\"chat\"],\"expiresInMinutes\":60.5}")) {
			HttpResponse<String> response = send("POST", CREATE, body, this.key, Instant.now());
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(read(response).at("/error/code").isString()).isTrue();
			assertThat(read(response).at("/error/message").isString()).isTrue();
		}
	}

	@Test
	void issueTokenWhenColonPercentEncodedThenIssued() {
		String id = createIdentity();
		for (String path : List.of("/identities/" + id + "/:issueAccessToken?api-version=2023-10-01",
				"/identities/" + id.replace(":", "%3A") + "/%3AissueAccessToken?api-version=2023-10-01")) {
			HttpResponse<String> response = send("POST", path, "{\"scopes\":[\"chat\"],\"expiresInMinutes\":60}",
					this.key, Instant.now());
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(read(response).at("/expiresOn").stringValue())
				.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.0000000\\+00:00");
		}
	}

	@Test
	void issueTokenWhenSignedLikeJavaScriptSdkThenIssued() {
		/*
		 * On Node the JavaScript SDK signs and sends Host "<url.host>:<port>", i.e. with
		 * the port twice off the default port.
		 */
		String id = createIdentity();
		String host = "127.0.0.1:" + this.emulator.endpoint().getPort() + ":" + this.emulator.endpoint().getPort();
		String path = "/identities/" + id.replace(":", "%3A") + "/:issueAccessToken?api-version=2023-10-01";
		String body = "{\"scopes\":[\"chat\",\"voip\"],\"expiresInMinutes\":60}";
		String date = HmacSignature.formatDate(Instant.now());
		String contentHash = HmacSignature.contentHash(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		String signature = new HmacSignature(this.key)
			.sign(HmacSignature.stringToSign("POST", path, date, host, contentHash));
		String[] response = TestClients.rawExchange(this.emulator,
				"POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nx-ms-date: " + date + "\r\nx-ms-content-sha256: "
						+ contentHash + "\r\nAuthorization: " + HmacSignature.authorization(signature)
						+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
						+ "\r\nConnection: close\r\n\r\n" + body);
		assertThat(response[0]).isEqualTo("HTTP/1.1 200 OK");
		assertThat(this.emulator.isTokenValid(json.readTree(response[1]).at("/token").stringValue())).isTrue();
	}

	/**
	 * The join scopes first appear in api-version 2023-10-01; the specifications of the
	 * versions before list {@code chat} and {@code voip} only, and a scope a version does
	 * not list is a validation error, for a create with a token as for an issue.
	 */
	@Test
	void issueTokenWhenJoinScopeUnderAVersionWithoutItThenValidationError() {
		String id = createIdentity();
		String path = "/identities/" + id + "/:issueAccessToken?api-version=";
		String body = "{\"scopes\":[\"voip.join\"],\"expiresInMinutes\":60}";

		HttpResponse<String> older = send("POST", path + "2022-10-01", body, this.key, Instant.now());
		HttpResponse<String> create = send("POST", "/identities?api-version=2022-10-01",
				"{\"createTokenWithScopes\":[\"chat.join\"]}", this.key, Instant.now());
		HttpResponse<String> newer = send("POST", path + "2023-10-01", body, this.key, Instant.now());

		assertThat(older.statusCode()).isEqualTo(400);
		assertThat(read(older).at("/error/code").stringValue()).isEqualTo("ValidationError");
		assertThat(read(older).at("/error/message").stringValue()).contains("voip.join", "chat, voip");
		assertThat(create.statusCode()).isEqualTo(400);
		assertThat(newer.statusCode()).isEqualTo(200);
	}

	@Test
	void issueTokenWhenScopesMissingThenBadRequest() {
		String id = createIdentity();
		HttpResponse<String> response = send("POST", "/identities/" + id + "/:issueAccessToken?api-version=2022-10-01",
				"{\"expiresInMinutes\":60}", this.key, Instant.now());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(read(response).at("/error/code").stringValue()).isEqualTo("ValidationError");
	}

	@Test
	void issueTokenWhenIdentityMalformedThenBadRequest() {
		HttpResponse<String> response = send("POST",
				"/identities/8:orgid:someone/:issueAccessToken?api-version=2022-10-01", "{\"scopes\":[\"chat\"]}",
				this.key, Instant.now());
		assertThat(response.statusCode()).isEqualTo(400);
	}

	@Test
	void unknownPathOrMethodThenAcsShapedError() {
		HttpResponse<String> notFound = send("POST", "/chat?api-version=2022-10-01", "{}", this.key, Instant.now());
		assertThat(notFound.statusCode()).isEqualTo(404);
		assertThat(read(notFound).at("/error/code").stringValue()).isEqualTo("NotFound");
		HttpResponse<String> wrongMethod = send("GET", CREATE, "", this.key, Instant.now());
		assertThat(wrongMethod.statusCode()).isEqualTo(405);
	}

	@Test
	void isTokenValidWhenClockPassesExpiryThenFalse() {
		MutableClock clock = new MutableClock();
		try (AcsEmulator own = AcsEmulator.start(AcsEmulatorSettings.inMemory().withClock(clock))) {
			use(own);
			String id = createIdentity();
			HttpResponse<String> response = send("POST",
					"/identities/" + id + "/:issueAccessToken?api-version=2022-10-01",
					"{\"scopes\":[\"voip\"],\"expiresInMinutes\":60}", this.key, Instant.now());
			String token = read(response).at("/token").stringValue();
			assertThat(own.isTokenValid(token)).isTrue();
			clock.advance(Duration.ofMinutes(59));
			assertThat(own.isTokenValid(token)).isTrue();
			clock.advance(Duration.ofMinutes(2));
			assertThat(own.isTokenValid(token)).isFalse();
			// The signature date is checked against the emulator's clock too.
			assertDenied(send("POST", CREATE, "{}", this.key, Instant.now()));
		}
	}

	@Test
	void isTokenValidWhenGarbageOrForeignThenFalse() throws Exception {
		assertThat(this.emulator.isTokenValid(null)).isFalse();
		assertThat(this.emulator.isTokenValid("")).isFalse();
		assertThat(this.emulator.isTokenValid("a.b.c")).isFalse();
		String id = createIdentity();
		String token = read(send("POST", "/identities/" + id + "/:issueAccessToken?api-version=2022-10-01",
				"{\"scopes\":[\"chat\"]}", this.key, Instant.now()))
			.at("/token")
			.stringValue();
		try (AcsEmulator other = AcsEmulator.start(AcsEmulatorSettings.inMemory())) {
			assertThat(other.isTokenValid(token)).isFalse();
		}
		String[] parts = token.split("\\.");
		assertThat(this.emulator.isTokenValid(parts[0] + "." + parts[1] + ".AAAA")).isFalse();
	}

	@Test
	void createIdentityWhenManyConcurrentRequestsThenAllSucceed() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Callable<Integer>> calls = java.util.stream.IntStream.range(0, 100)
				.<Callable<Integer>>mapToObj((i) -> () -> send("POST", CREATE,
						"{\"createTokenWithScopes\":[\"chat\"],\"expiresInMinutes\":60}", this.key, Instant.now())
					.statusCode())
				.toList();
			for (Future<Integer> status : pool.invokeAll(calls)) {
				assertThat(status.get()).isEqualTo(201);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private String createIdentity() {
		return read(send("POST", CREATE, "{}", this.key, Instant.now())).at("/identity/id").stringValue();
	}

	private HttpResponse<String> send(String method, String pathAndQuery, String body, String accessKey, Instant date) {
		return TestClients.send(this.http,
				TestClients.signed(this.emulator, method, pathAndQuery, body, accessKey, date).build());
	}

	private static void assertDenied(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(read(response).at("/error/code").stringValue()).isEqualTo("Denied");
		assertThat(read(response).at("/error/message").stringValue()).isNotBlank();
	}

	private static JsonNode read(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

}
