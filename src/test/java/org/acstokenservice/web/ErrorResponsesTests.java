package org.acstokenservice.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.acstokenservice.testsupport.JwtServiceTest;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.acstokenservice.testsupport.TestUsers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors that no controller answers, from Spring MVC, Spring Security's firewall and
 * Tomcat itself (before any of the service runs), are problems like any other. Requests
 * that the JDK's HTTP client will not send go over a raw socket.
 */
@JwtServiceTest
class ErrorResponsesTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@LocalServerPort
	int port;

	@Test
	void unknownPathWhenSignedInThenNotFoundProblem() {
		assertProblem(this.client.get("/nothing-here", this.users.basic()), 404, "not_found");
	}

	@Test
	void pathWithEncodedSlashThenBadRequestProblem() {
		assertProblem(this.client.get("/users/a%2Fb/identity", this.users.basic()), 400, "invalid_request");
	}

	@Test
	void pathWithEncodedNulThenBadRequestProblem() throws IOException {
		RawResponse response = send("GET /identity%00 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

		response.assertProblem(400, "invalid_request");
	}

	@Test
	void headerSectionOverLimitThenRequestHeaderTooLargeProblem() throws IOException {
		String padding = "x".repeat(40 * 1024);

		RawResponse response = send(
				"GET /identity HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + padding + "\r\nConnection: close\r\n\r\n");

		response.assertProblem(431, "request_header_too_large");
	}

	@Test
	void issueTokenWhenBearerTokenOf16KilobytesThenAccepted() {
		String user = this.users.basic();
		List<String> groups = IntStream.range(0, 270)
			.mapToObj((i) -> "group-" + UUID.nameUUIDFromBytes(new byte[] { (byte) i }))
			.toList();
		String token = TestJwtIssuer.shared().token(user, (claims) -> claims.claim("groups", groups));
		assertThat(token.length()).isBetween(16 * 1024, 18 * 1024);

		HttpResponse<String> response = this.client.postWithToken("/token", token, null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	private RawResponse send(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return RawResponse.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
	}

	record RawResponse(int status, String head, String body) {

		static RawResponse parse(String raw) {
			int end = raw.indexOf("\r\n\r\n");
			assertThat(end).as(raw).isPositive();
			String head = raw.substring(0, end);
			int status = Integer.parseInt(head.substring(9, 12));
			return new RawResponse(status, head, raw.substring(end + 4));
		}

		void assertProblem(int expectedStatus, String code) {
			assertThat(this.status).as(this.head + "\n\n" + this.body).isEqualTo(expectedStatus);
			assertThat(this.head.toLowerCase()).contains("content-type: application/problem+json");
			assertThat(this.body).contains("\"code\":\"" + code + "\"")
				.contains("\"status\":" + expectedStatus)
				.doesNotContain("<html")
				.doesNotContain("Exception");
		}

	}

}
