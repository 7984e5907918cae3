package org.acstokenservice.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which addresses share one allowance of failed sign-ins. */
class FailedSignInLimitKeyTests {

	@Test
	void clientKeyWhenIpv4ThenTheAddress() {
		assertThat(FailedSignInLimit.clientKey("203.0.113.7")).isEqualTo("203.0.113.7");
	}

	@Test
	void clientKeyWhenIpv6ThenItsSlash64() {
		assertThat(FailedSignInLimit.clientKey("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2::/64");
		assertThat(FailedSignInLimit.clientKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"))
			.isEqualTo("2001:db8:1:2::/64");
		assertThat(FailedSignInLimit.clientKey("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
		assertThat(FailedSignInLimit.clientKey("::1")).isEqualTo("0:0:0:0::/64");
	}

	@Test
	void clientKeyWhenIpv4MappedIpv6ThenTheIpv4Address() {
		assertThat(FailedSignInLimit.clientKey("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
	}

}
