package org.acstokenservice.security;

import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With forwarded headers on, {@code X-Forwarded-For} is believed only from the proxies
 * configured in {@code server.tomcat.remoteip.internal-proxies} (here loopback, where the
 * tests run), never from every private address as Tomcat would by default: otherwise a
 * client on a private network could name a new address on each guess and never meet the
 * failed sign-in limit.
 */
@SignInLimitTest
class ForwardedAddressTests {

	@Autowired
	ServiceClient client;

	@Test
	void failedSignInWhenForwardedByConfiguredProxyThenClientAddressCounted() {
		for (int i = 0; i < SignInLimitTest.CAPACITY; i++) {
			assertThat(failedSignInFrom("198.51.100.1")).isEqualTo(401);
		}

		assertThat(failedSignInFrom("198.51.100.2")).as("another client behind the proxy").isEqualTo(401);
		assertThat(failedSignInFrom("198.51.100.1")).isEqualTo(429);
	}

	@Test
	void failedSignInWhenAddressSpoofedBehindUntrustedHopThenHopCounted() {
		/*
		 * 10.0.0.5 is a private address, which Tomcat trusts by default, but not one of
		 * the configured proxies: what it claims to forward for is not believed.
		 */
		for (int i = 0; i < SignInLimitTest.CAPACITY; i++) {
			assertThat(failedSignInFrom("203.0.113." + i + ", 10.0.0.5")).isEqualTo(401);
		}

		assertThat(failedSignInFrom("203.0.113.99, 10.0.0.5")).as("a new address named by the same client")
			.isEqualTo(429);
	}

	@Test
	void failedSignInWhenIpv6AddressesRotateWithinOneNetworkThenOneAllowance() {
		for (int i = 0; i < SignInLimitTest.CAPACITY; i++) {
			assertThat(failedSignInFrom("2001:db8:77:1::" + Integer.toHexString(i + 1))).isEqualTo(401);
		}

		assertThat(failedSignInFrom("2001:db8:77:1:ffff:abcd:1234:9")).as("another address of the same /64")
			.isEqualTo(429);
		assertThat(failedSignInFrom("2001:db8:77:2::1")).as("the next /64").isEqualTo(401);
	}

	private int failedSignInFrom(String forwardedFor) {
		String forged = TestJwtIssuer.shared().tokenSignedByOtherKey("guesser");
		return this.client.forwardedFor(forwardedFor).postWithToken("/token", forged, null).statusCode();
	}

}
