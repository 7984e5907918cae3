package org.acstokenservice.security;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;

import org.acstokenservice.LocalModeTestProperties;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.TestJwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expired tokens are refused but do not count as failed sign-ins: front ends send them
 * all the time, and many users may share an address. Forged ones do count.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sign-in.failed-attempts.capacity=2", "sign-in.failed-attempts.period=1h" })
class ExpiredTokenSignInTests {

	static final TestJwtIssuer issuer = new TestJwtIssuer();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		LocalModeTestProperties.register(registry);
		issuer.register(registry);
	}

	@AfterAll
	static void stopIssuer() {
		issuer.close();
	}

	@LocalServerPort
	int port;

	@Test
	void signInWhenTokensExpiredThenRefusedButNotCountedWhenForgedThenCounted() {
		ServiceClient client = new ServiceClient(this.port);
		String expired = issuer.token("late-user",
				(claims) -> claims.issueTime(Date.from(Instant.now().minusSeconds(900)))
					.expirationTime(Date.from(Instant.now().minusSeconds(300))));
		for (int i = 0; i < 5; i++) {
			assertThat(post(client, expired).statusCode()).isEqualTo(401);
		}
		assertThat(post(client, issuer.token("late-user")).statusCode()).isEqualTo(200);

		for (int i = 0; i < 2; i++) {
			assertThat(post(client, issuer.tokenSignedByOtherKey("forger")).statusCode()).isEqualTo(401);
		}

		assertThat(post(client, issuer.token("late-user")).statusCode()).isEqualTo(429);
	}

	private static HttpResponse<String> post(ServiceClient client, String jwt) {
		return client.send(client.request("/token", null)
			.header("Authorization", "Bearer " + jwt)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
	}

}
