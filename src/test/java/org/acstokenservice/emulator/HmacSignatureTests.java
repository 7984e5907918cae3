package org.acstokenservice.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HmacSignatureTests {

	// A made-up key, signed as the Java SDK signs (HmacSignature says how).
	private static final String KEY = "dGVzdC1hY2Nlc3Mta2V5LW5vdC1yZWFsLTAxMjM0NTY3ODk=";

	private static final String BODY = "{\"scopes\":[\"voip\"],\"expiresInMinutes\":60}";

	private static final String DATE = "Tue, 02 Jan 2024 03:04:05 GMT";

	private static final String HOST = "my-resource.communication.azure.com";

	private static final String PATH = "/identities/8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_00000005-14a2-493b-8a72-5a3a0d000081/:issueAccessToken?api-version=2023-10-01";

	@Test
	void contentHashWhenTestVectorThenMatches() {
		assertThat(HmacSignature.contentHash(BODY.getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("GNtmihW0aWKrZ0DRV1+wUfLysZuegWcqHu8n9mgUyTE=");
	}

	@Test
	void contentHashWhenEmptyBodyThenWellKnownHash() {
		assertThat(HmacSignature.contentHash(new byte[0])).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	}

	@Test
	void signWhenTestVectorThenMatches() {
		String stringToSign = HmacSignature.stringToSign("post", PATH, DATE, HOST,
				"GNtmihW0aWKrZ0DRV1+wUfLysZuegWcqHu8n9mgUyTE=");
		assertThat(stringToSign).isEqualTo(
				"POST\n" + PATH + "\n" + DATE + ";" + HOST + ";" + "GNtmihW0aWKrZ0DRV1+wUfLysZuegWcqHu8n9mgUyTE=");
		assertThat(new HmacSignature(KEY).sign(stringToSign)).isEqualTo("XLl+gdYvkRuDKrPQzuKFkvEriK2uTLWagX3uBklMQEk=");
	}

	@Test
	void matchesWhenSignatureDiffersThenFalse() {
		HmacSignature signature = new HmacSignature(KEY);
		String stringToSign = HmacSignature.stringToSign("POST", PATH, DATE, HOST, "x");
		assertThat(signature.matches(stringToSign, signature.sign(stringToSign))).isTrue();
		assertThat(signature.matches(stringToSign, "XLl+gdYvkRuDKrPQzuKFkvEriK2uTLWagX3uBklMQEk=")).isFalse();
		assertThat(signature.matches(stringToSign, "")).isFalse();
	}

	@Test
	void formatDateWhenInstantThenSdkFormat() {
		assertThat(HmacSignature.formatDate(Instant.parse("2024-01-02T03:04:05Z"))).isEqualTo(DATE);
	}

}
