package org.acstokenservice.local;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class LocalModeTests {

	@Test
	void isActiveWhenNoAcsResourceThenTrue() {
		assertThat(LocalMode.isActive(new MockEnvironment())).isTrue();
		assertThat(LocalMode.isActive(new MockEnvironment().withProperty("acs.connection-string", " "))).isTrue();
	}

	@Test
	void postProcessWhenLocalModeOnNonLoopbackAddressThenRefused() {
		for (String address : new String[] { "0.0.0.0", "::", "192.0.2.10", "" }) {
			MockEnvironment environment = new MockEnvironment().withProperty("server.address", address);

			assertThatIllegalStateException()
				.isThrownBy(() -> new LocalModeEnvironmentPostProcessor().postProcessEnvironment(environment,
						new SpringApplication()))
				.as(address)
				.withMessageContaining("ACS_CONNECTION_STRING")
				.withMessageContaining("server.address");
		}
	}

	@Test
	void postProcessWhenLocalModeOnLoopbackThenStarts() {
		for (String address : new String[] { "127.0.0.1", "::1", "localhost" }) {
			MockEnvironment environment = new MockEnvironment().withProperty("server.address", address);

			new LocalModeEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

			assertThat(environment.getProperty("server.address")).isEqualTo(address);
		}
		MockEnvironment unset = new MockEnvironment();
		new LocalModeEnvironmentPostProcessor().postProcessEnvironment(unset, new SpringApplication());
		assertThat(unset.getProperty("server.address")).isEqualTo("127.0.0.1");
	}

	@Test
	void postProcessWhenProductionModeOnAllInterfacesThenStarts() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.address", "0.0.0.0")
			.withProperty("acs.endpoint", "https://r.communication.azure.com/")
			.withProperty("spring.datasource.url", "jdbc:postgresql://db/acs");

		new LocalModeEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("server.address")).isEqualTo("0.0.0.0");
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
