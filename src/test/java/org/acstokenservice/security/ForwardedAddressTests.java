package org.acstokenservice.security;

import java.net.http.HttpRequest;

import org.acstokenservice.ServiceClient;
import org.acstokenservice.ServiceTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With forwarded headers on, {@code X-Forwarded-For} is believed only from the proxies
 * configured in {@code server.tomcat.remoteip.internal-proxies}; by default from none,
 * not from every private address as Tomcat would. Otherwise a client on a private network
 * could name a new address on each guess and never meet the failed sign-in limit.
 */
@ServiceTest
@TestPropertySource(properties = { "server.forward-headers-strategy=native", "sign-in.failed-attempts.capacity=2",
		"sign-in.failed-attempts.period=1h" })
class ForwardedAddressTests {

	@Autowired
	ServiceClient client;

	@Test
	void failedSignInWhenForwardedForSpoofedByUntrustedAddressThenLoopbackAddressCounted() {
		assertThat(failedSignInFrom("203.0.113.1")).isEqualTo(401);
		assertThat(failedSignInFrom("203.0.113.2")).isEqualTo(401);

		assertThat(failedSignInFrom("203.0.113.3")).as("a third address named by the same client").isEqualTo(429);
	}

	int failedSignInFrom(String forwardedFor) {
		HttpRequest request = this.client.request("/token", null)
			.header("Authorization", ServiceClient.basic("alice", "guess"))
			.header("X-Forwarded-For", forwardedFor)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return this.client.send(request).statusCode();
	}

	/** A proxy that the operator names is believed. */
	@Nested
	@TestPropertySource(properties = "server.tomcat.remoteip.internal-proxies=127.0.0.1/32")
	class ConfiguredProxy {

		@Test
		void failedSignInWhenForwardedByConfiguredProxyThenClientAddressCounted() {
			assertThat(failedSignInFrom("198.51.100.1")).isEqualTo(401);
			assertThat(failedSignInFrom("198.51.100.1")).isEqualTo(401);

			assertThat(failedSignInFrom("198.51.100.2")).as("another client behind the proxy").isEqualTo(401);
			assertThat(failedSignInFrom("198.51.100.1")).isEqualTo(429);
		}

	}

}
