package org.acstokenservice.security;

import java.net.http.HttpResponse;

import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.LocalModeTestProperties;
import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

import static org.acstokenservice.testsupport.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the identity provider's key set cannot be fetched, a signed-in request is not the
 * client's fault: 503 with {@code Retry-After}, not 500 and not 401, and it does not
 * count as a failed sign-in.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		// Nothing listens on port 1 of loopback: the key set cannot be fetched.
		"spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:1/jwks",
		"spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER,
		"spring.security.oauth2.resourceserver.jwt.audiences=" + TestJwtIssuer.AUDIENCE,
		"token-service.sign-in.failed-attempts.capacity=1", "token-service.sign-in.failed-attempts.period=1h" })
@ContextConfiguration(initializers = LocalModeTestProperties.class)
class IdentityProviderOutageTests {

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void issueTokenWhenKeySetUnreachableThenServiceUnavailableWithRetryAfter() {
		ServiceClient client = new ServiceClient(this.port);
		String token = TestJwtIssuer.shared().token("outage-user");

		for (int i = 0; i < 3; i++) {
			HttpResponse<String> response = client.postWithToken("/token", token, null);

			assertProblem(response, 503, "identity_provider_unavailable");
			assertThat(response.headers().firstValue("Retry-After"))
				.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		}
		assertThat(this.meters.get("acs.identity_provider.unavailable").counter().count()).isEqualTo(3);
	}

}
