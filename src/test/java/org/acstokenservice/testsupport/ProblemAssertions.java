package org.acstokenservice.testsupport;

import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The error contract: every error is problem+json with a stable code, and no stack. */
public final class ProblemAssertions {

	private ProblemAssertions() {
	}

	public static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode body = ServiceClient.json(response);
		assertThat(body.path("code").asString()).isEqualTo(code);
		assertThat(body.path("status").asInt()).isEqualTo(status);
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
		return body;
	}

}
