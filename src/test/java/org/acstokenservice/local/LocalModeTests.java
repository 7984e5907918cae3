package org.acstokenservice.local;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class LocalModeTests {

	@Test
	void isActiveWhenNoAcsResourceThenTrue() {
		assertThat(LocalMode.isActive(new MockEnvironment())).isTrue();
		assertThat(LocalMode.isActive(new MockEnvironment().withProperty("acs.connection-string", " "))).isTrue();
	}

	@Test
	void isActiveWhenConnectionStringOrEndpointThenFalse() {
		assertThat(LocalMode.isActive(new MockEnvironment().withProperty("acs.connection-string",
				"endpoint=https://r.communication.azure.com/;accesskey=a2V5")))
			.isFalse();
		assertThat(LocalMode
			.isActive(new MockEnvironment().withProperty("acs.endpoint", "https://r.communication.azure.com/")))
			.isFalse();
	}

}
