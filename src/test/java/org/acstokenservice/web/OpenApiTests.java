package org.acstokenservice.web;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document is public in local mode and states the HTTP contract of
 * {@code docs/http-api.md}: every endpoint, body and error code. The expectations are
 * written out here, not taken from {@link OpenApiConfiguration}, so that a contract entry
 * missing there fails. With a JWT issuer the document needs a sign-in
 * ({@code JwtSignInTests}).
 */
@ServiceTest
class OpenApiTests {

	/**
	 * The endpoints of the HTTP contract ({@code docs/http-api.md}), with the status of a
	 * success.
	 */
	static final Map<String, String> ENDPOINTS = Map.ofEntries(Map.entry("post /token", "200"),
			Map.entry("post /token/revoke", "204"), Map.entry("post /token/teams", "200"),
			Map.entry("get /identity", "200"), Map.entry("delete /identity", "204"),
			Map.entry("get /users/{appUserId}/identity", "200"),
			Map.entry("get /identities/{communicationUserId}", "200"),
			Map.entry("post /admin/users/{appUserId}/revoke", "204"),
			Map.entry("delete /admin/users/{appUserId}", "204"), Map.entry("get /actuator/health", "200"),
			Map.entry("get /actuator/health/liveness", "200"), Map.entry("get /actuator/health/readiness", "200"),
			Map.entry("get /actuator/info", "200"), Map.entry("get /actuator/prometheus", "200"));

	/**
	 * The error codes of the error table in {@code docs/http-api.md}, each with its
	 * status.
	 */
	static final Map<String, String> ERROR_CODES = Map.ofEntries(Map.entry("invalid_request", "400"),
			Map.entry("invalid_scope", "400"), Map.entry("invalid_expiry", "400"), Map.entry("unauthorized", "401"),
			Map.entry("forbidden", "403"), Map.entry("scope_not_allowed", "403"), Map.entry("not_eligible", "403"),
			Map.entry("not_found", "404"), Map.entry("rate_limited", "429"), Map.entry("service_closed", "503"),
			Map.entry("acs_unavailable", "503"), Map.entry("acs_rejected", "502"),
			Map.entry("database_unavailable", "503"), Map.entry("payload_too_large", "413"),
			Map.entry("request_header_too_large", "431"));

	@Autowired
	ServiceClient client;

	JsonNode document;

	@BeforeEach
	void readDocument() {
		HttpResponse<String> response = this.client.get("/v3/api-docs", null);
		assertThat(response.statusCode()).isEqualTo(200);
		this.document = ServiceClient.json(response);
	}

	@Test
	void openApiWhenLocalModeThenPublicAndDescribesTheContract() {
		JsonNode paths = this.document.path("paths");
		assertThat(paths.has("/token")).isTrue();
		assertThat(paths.has("/identities/{communicationUserId}")).isTrue();
		assertThat(this.document.toString()).doesNotContain("AppUser");
		assertThat(this.document.path("info").path("title").asString()).isEqualTo("ACS Token Service");
	}

	@Test
	void openApiListsEveryEndpointOfTheContractWithItsSuccessStatus() {
		JsonNode paths = this.document.path("paths");
		ENDPOINTS.forEach((endpoint, success) -> {
			String[] methodAndPath = endpoint.split(" ");
			JsonNode operation = paths.path(methodAndPath[1]).path(methodAndPath[0]);
			assertThat(operation.isObject()).as(endpoint).isTrue();
			assertThat(operation.path("summary").asString()).as(endpoint).isNotBlank();
			assertThat(operation.path("responses").has(success)).as(endpoint + " answers " + success).isTrue();
		});
		assertThat(paths.path("/token/revoke").path("post").path("responses").has("200")).isFalse();
		// The container's error page is no endpoint of the contract.
		assertThat(paths.has("/error")).isFalse();
	}

	@Test
	void openApiDescribesTheBodiesOfTheContract() {
		JsonNode schemas = this.document.path("components").path("schemas");
		JsonNode issue = this.document.path("paths").path("/token").path("post");
		assertThat(issue.path("requestBody")
			.path("content")
			.path("application/json")
			.path("schema")
			.path("$ref")
			.asString()).isEqualTo("#/components/schemas/TokenRequest");
		JsonNode ok = issue.path("responses").path("200");
		assertThat(ok.path("content").path("application/json").path("schema").path("$ref").asString())
			.isEqualTo("#/components/schemas/TokenResponse");
		assertThat(ok.path("headers").has("Cache-Control")).isTrue();

		JsonNode request = schemas.path("TokenRequest").path("properties");
		assertThat(texts(request.path("scopes").path("items").path("enum"))).containsExactly("chat", "voip",
				"chat.join", "chat.join.limited", "voip.join");
		assertThat(request.path("expiresInMinutes").path("minimum").asInt()).isEqualTo(60);
		assertThat(request.path("expiresInMinutes").path("maximum").asInt()).isEqualTo(1440);
		assertThat(names(schemas.path("TokenResponse").path("properties"))).containsExactlyInAnyOrder("token",
				"expiresOn", "user", "scopes");
		assertThat(schemas.path("User").path("properties").has("communicationUserId")).isTrue();
		assertThat(names(schemas.path("IdentityResponse").path("properties"))).containsExactlyInAnyOrder("appUserId",
				"communicationUserId", "createdAt", "resource");
		assertThat(texts(schemas.path("TeamsTokenRequest").path("required"))).containsExactly("token");
		assertThat(names(schemas.path("Problem").path("properties"))).contains("type", "title", "status", "detail",
				"code", "scopes", "validScopes", "reason");
	}

	@Test
	void openApiListsEveryErrorCodeAsProblemJsonUnderItsStatus() {
		Set<String> documented = new HashSet<>();
		this.document.path("paths").properties().forEach((path) -> path.getValue().properties().forEach((operation) -> {
			operation.getValue().path("responses").properties().forEach((response) -> {
				JsonNode problem = response.getValue().path("content").path("application/problem+json");
				for (String code : names(problem.path("examples"))) {
					documented.add(code);
					assertThat(ERROR_CODES.getOrDefault(code, response.getKey()))
						.as("%s %s answers %s", operation.getKey(), path.getKey(), code)
						.isEqualTo(response.getKey());
					assertThat(problem.path("examples").path(code).path("value").path("status").asInt())
						.isEqualTo(Integer.parseInt(response.getKey()));
				}
			});
		}));
		assertThat(documented).containsAll(ERROR_CODES.keySet());
		assertThat(texts(this.document.path("components")
			.path("schemas")
			.path("Problem")
			.path("properties")
			.path("code")
			.path("enum")))
			.containsExactlyInAnyOrderElementsOf(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
	}

	@Test
	void openApiListsTheRefusalsOfATokenRequestWithRetryAfter() {
		JsonNode responses = this.document.path("paths").path("/token").path("post").path("responses");

		assertThat(exampleNames(responses, "403")).contains("scope_not_allowed", "not_eligible", "forbidden");
		assertThat(exampleNames(responses, "429")).contains("rate_limited");
		assertThat(exampleNames(responses, "503")).contains("service_closed", "acs_unavailable",
				"database_unavailable");
		assertThat(responses.path("429").path("headers").has("Retry-After")).isTrue();
		assertThat(responses.path("503").path("headers").has("Retry-After")).isTrue();
		assertThat(exampleNames(
				this.document.path("paths").path("/users/{appUserId}/identity").path("get").path("responses"), "404"))
			.containsExactly("not_found");
	}

	@Test
	void openApiNamesBothSignInsAndLeavesHealthPublic() {
		JsonNode schemes = this.document.path("components").path("securitySchemes");
		assertThat(schemes.path("demoUser").path("scheme").asString()).isEqualTo("basic");
		assertThat(schemes.path("bearer").path("scheme").asString()).isEqualTo("bearer");
		JsonNode health = this.document.path("paths").path("/actuator/health/readiness").path("get");
		assertThat(health.path("security").isArray()).isTrue();
		assertThat(health.path("security")).isEmpty();
	}

	private static List<String> exampleNames(JsonNode responses, String status) {
		return names(responses.path(status).path("content").path("application/problem+json").path("examples"));
	}

	private static List<String> names(JsonNode object) {
		return new ArrayList<>(object.propertyNames());
	}

	private static List<String> texts(JsonNode array) {
		List<String> texts = new ArrayList<>();
		array.forEach((item) -> texts.add(item.asString()));
		return texts;
	}

}
