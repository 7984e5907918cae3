package org.acstokenservice.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

import static org.assertj.core.api.Assertions.assertThat;

/** The resolver answers exactly as Spring's would, for good and bad headers alike. */
class HeaderBearerTokenResolverTests {

	private final HeaderBearerTokenResolver resolver = new HeaderBearerTokenResolver();

	private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();

	@Test
	void resolveWhenWellFormedThenTheToken() {
		assertThat(this.resolver.resolve(request("Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl")))
			.isEqualTo("eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl");
		assertThat(this.resolver.resolve(request("bearer abc+/~_-.xyz=="))).isEqualTo("abc+/~_-.xyz==");
	}

	@Test
	void resolveWhenHandwrittenCasesThenSameAsSpring() {
		List<String> headers = List.of("Bearer abc", "BEARER abc", "Bearer  abc", "Bearer abc ", "Bearer ", "Bearer",
				"Bearer =", "Bearer abc=def", "Bearer abc==", "Bearer a b", "Bearer ab\u00e9", "Basic YWxpY2U6YWxpY2U=",
				"Bearerabc", "Bearer\tabc", "Bearer a%2Fb", "Bearer " + "x".repeat(16_000));
		for (String header : headers) {
			assertSameAsSpring(header);
		}
		assertThat(this.resolver.resolve(new MockHttpServletRequest())).isNull();
	}

	@Test
	void resolveWhenRandomHeadersThenSameAsSpring() {
		Random random = new Random(20261129);
		String alphabet = "Bearer abcXYZ019-._~+/= \t%!";
		for (int i = 0; i < 5_000; i++) {
			StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "");
			int length = random.nextInt(12);
			for (int j = 0; j < length; j++) {
				header.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			assertSameAsSpring(header.toString());
		}
	}

	private void assertSameAsSpring(String header) {
		List<Object> ours = outcome(() -> this.resolver.resolve(request(header)));
		List<Object> theirs = outcome(() -> this.spring.resolve(request(header)));
		assertThat(ours).as("'%s'", header).isEqualTo(theirs);
	}

	private static List<Object> outcome(java.util.function.Supplier<String> resolve) {
		List<Object> outcome = new ArrayList<>();
		try {
			outcome.add(String.valueOf(resolve.get()));
		}
		catch (OAuth2AuthenticationException ex) {
			outcome.add(ex.getError().getErrorCode());
			outcome.add(ex.getError().getDescription());
		}
		return outcome;
	}

	private static MockHttpServletRequest request(String authorization) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/token");
		request.addHeader("Authorization", authorization);
		return request;
	}

}
