package org.acstokenservice.acs;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PropertiesAcsConnectionDetailsTests {

	private static final String ACCESS_KEY = "dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=";

	@Test
	void ofWhenConnectionStringThenEndpointAndKeyAndKeyNeverPrinted() {
		AcsConnectionDetails details = PropertiesAcsConnectionDetails.of(properties(
				" endpoint=https://my-resource.communication.azure.com/;accesskey=" + ACCESS_KEY + "; ", null));

		assertThat(details.endpoint()).isEqualTo(URI.create("https://my-resource.communication.azure.com/"));
		assertThat(details.accessKey()).isEqualTo(ACCESS_KEY);
		assertThat(details.trustedCertificate()).isNull();
		assertThat(details.toString()).doesNotContain(ACCESS_KEY);
	}

	@Test
	void ofWhenEndpointOnlyThenEntraIdCredential() {
		AcsConnectionDetails details = PropertiesAcsConnectionDetails
			.of(properties(null, URI.create("https://my-resource.communication.azure.com/")));

		assertThat(details.endpoint().getHost()).isEqualTo("my-resource.communication.azure.com");
		assertThat(details.accessKey()).isNull();
	}

	@Test
	void ofWhenConnectionStringMalformedThenFailsNamingPropertyWithoutEchoingIt() {
		String plainHttp = "endpoint=http://my-resource.communication.azure.com/;accesskey=" + ACCESS_KEY;

		assertThatIllegalStateException()
			.isThrownBy(() -> PropertiesAcsConnectionDetails.of(properties(plainHttp, null)))
			.withMessageContaining("acs.connection-string")
			.withMessageNotContaining(ACCESS_KEY);
	}

	@Test
	void ofWhenNothingConfiguredThenFailsNamingBothProperties() {
		assertThatIllegalStateException().isThrownBy(() -> PropertiesAcsConnectionDetails.of(properties("  ", null)))
			.withMessageContaining("acs.connection-string")
			.withMessageContaining("acs.endpoint");
	}

	private static AcsProperties properties(String connectionString, URI endpoint) {
		return new AcsProperties(connectionString, endpoint, null, null, null, null, null, null);
	}

}
