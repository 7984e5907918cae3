package org.acstokenservice.web;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /v3/api-docs}) states the HTTP contract: springdoc reads
 * the paths and bodies from the controllers, and {@link #httpContract()} adds what it
 * cannot see there, from this one table: each operation's success status, every error
 * {@code code} it may answer with its status, the {@code Retry-After} and
 * {@code Cache-Control} headers, the sign-in schemes and the actuator endpoints. Kept
 * here rather than in annotations on each controller so that the contract reads in one
 * place, beside {@link ErrorCode}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String PROBLEM_MEDIA_TYPE = "application/problem+json";

	static final String PROBLEM_SCHEMA = "Problem";

	/**
	 * What any signed-in request may meet before or after its own work: the sign-in, the
	 * failed sign-in limit, the identity provider, the database, the container's limits
	 * and a refused CORS origin.
	 */
	static final Set<ErrorCode> SIGNED_IN_ERRORS = EnumSet.of(ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN,
			ErrorCode.RATE_LIMITED, ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE, ErrorCode.DATABASE_UNAVAILABLE,
			ErrorCode.NOT_ACCEPTABLE, ErrorCode.REQUEST_HEADER_TOO_LARGE, ErrorCode.INTERNAL_ERROR);

	/** What a request with a JSON body may meet besides. */
	static final Set<ErrorCode> BODY_ERRORS = EnumSet.of(ErrorCode.INVALID_REQUEST, ErrorCode.PAYLOAD_TOO_LARGE,
			ErrorCode.UNSUPPORTED_MEDIA_TYPE);

	/** What a call to ACS may meet. */
	static final Set<ErrorCode> ACS_ERRORS = EnumSet.of(ErrorCode.ACS_UNAVAILABLE, ErrorCode.ACS_REJECTED);

	/** What a request in the user's ACS resource may meet besides. */
	static final Set<ErrorCode> RESOURCE_ERRORS = EnumSet.of(ErrorCode.RESOURCE_NOT_ASSIGNED);

	/**
	 * The operations of the HTTP contract (README's "HTTP API"), with the error codes of
	 * their own; each also gets {@link #SIGNED_IN_ERRORS}.
	 */
	static final List<ContractOperation> OPERATIONS = List.of(
			new ContractOperation("post", "/token", "Issue an ACS token to the signed-in user",
					"Omitted scopes or lifetime take the user's tier defaults. A scope the tier does not allow is "
							+ "refused (scope_not_allowed), never dropped. Answered with Cache-Control: no-store.",
					200,
					union(BODY_ERRORS, ACS_ERRORS, RESOURCE_ERRORS,
							EnumSet.of(ErrorCode.INVALID_SCOPE, ErrorCode.INVALID_EXPIRY, ErrorCode.SCOPE_NOT_ALLOWED,
									ErrorCode.NOT_ELIGIBLE, ErrorCode.SERVICE_CLOSED))),
			new ContractOperation("post", "/token/revoke", "Revoke every token of the caller's ACS identity",
					"Tokens issued before the revocation stop working at ACS and are never handed back again.", 204,
					union(ACS_ERRORS, RESOURCE_ERRORS, EnumSet.of(ErrorCode.NOT_FOUND))),
			new ContractOperation("post", "/token/teams", "Exchange a Teams user's Entra ID token for an ACS token",
					"Decided like a token request for chat and voip; not_found while token-service.teams.client-id is not set.",
					200,
					union(BODY_ERRORS, ACS_ERRORS, RESOURCE_ERRORS,
							EnumSet.of(ErrorCode.SCOPE_NOT_ALLOWED, ErrorCode.NOT_ELIGIBLE, ErrorCode.SERVICE_CLOSED,
									ErrorCode.NOT_FOUND))),
			new ContractOperation("get", "/identity", "The caller's stored ACS identity",
					"not_found before the caller's first token in their ACS resource.", 200,
					union(RESOURCE_ERRORS, EnumSet.of(ErrorCode.NOT_FOUND))),
			new ContractOperation("delete", "/identity", "Erase the caller's ACS identity (right to erasure)",
					"At ACS and here; 204 also when there was nothing left to erase. On acs_unavailable the identity "
							+ "is already forgotten here and its deletion at ACS is retried in the background.",
					204, ACS_ERRORS),
			new ContractOperation("get", "/users/{appUserId}/identity", "Another app user's ACS identity, to call them",
					"As token-service.policy.lookup allows (forbidden otherwise); look-ups have a per-user rate limit. The identity "
							+ "in the caller's ACS resource: not_found for a user who has none there.",
					200, union(RESOURCE_ERRORS, EnumSet.of(ErrorCode.NOT_FOUND))),
			new ContractOperation("get", "/identities/{communicationUserId}",
					"Which app user an ACS identity belongs to (who is calling)",
					"As token-service.policy.lookup allows (forbidden otherwise); look-ups have a per-user rate limit. "
							+ "Identities of the caller's ACS resource only (role ADMIN: any): not_found otherwise.",
					200, union(RESOURCE_ERRORS, EnumSet.of(ErrorCode.NOT_FOUND))),
			new ContractOperation("post", "/admin/users/{appUserId}/revoke", "Revoke every token of any user",
					"Role ADMIN.", 204, union(ACS_ERRORS, EnumSet.of(ErrorCode.NOT_FOUND))),
			new ContractOperation("delete", "/admin/users/{appUserId}", "Erase any user's ACS identity", "Role ADMIN.",
					204, union(ACS_ERRORS, EnumSet.of(ErrorCode.NOT_FOUND))));

	private static final String HEALTH_TAG = "operations";

	@Bean
	OpenApiCustomizer httpContract() {
		return OpenApiConfiguration::describe;
	}

	static void describe(OpenAPI api) {
		api.info(new Info().title("ACS Token Service")
			.version("v1")
			.description("Issues Azure Communication Services access tokens to signed-in app users, as a policy "
					+ "allows. Every error is application/problem+json (RFC 9457) with a stable code."));
		Components components = (api.getComponents() != null) ? api.getComponents() : new Components();
		api.components(components);
		components.addSchemas(PROBLEM_SCHEMA, problemSchema());
		components.addSecuritySchemes("demoUser",
				new SecurityScheme().type(SecurityScheme.Type.HTTP)
					.scheme("basic")
					.description("Local mode only: the demo users alice, bob, carol and admin, password = user name."));
		components.addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
			.scheme("bearer")
			.bearerFormat("JWT")
			.description("An access token of the application's OpenID Connect issuer, for this API's audience."));
		api.security(
				List.of(new SecurityRequirement().addList("bearer"), new SecurityRequirement().addList("demoUser")));
		Paths paths = (api.getPaths() != null) ? api.getPaths() : new Paths();
		api.paths(paths);
		// The error page is how the container reaches problem bodies, not an endpoint.
		paths.remove("/error");
		for (ContractOperation contract : OPERATIONS) {
			PathItem item = paths.get(contract.path());
			Operation operation = (item != null)
					? item.readOperationsMap().get(PathItem.HttpMethod.valueOf(contract.method().toUpperCase())) : null;
			if (operation == null) {
				throw new IllegalStateException("The HTTP contract names " + contract.method().toUpperCase() + " "
						+ contract.path() + ", which no controller maps");
			}
			contract.applyTo(operation);
		}
		addActuator(paths);
	}

	/** The body of every error answer, as {@link Problems} writes it. */
	static Schema<?> problemSchema() {
		Schema<?> problem = typed(new Schema<>(), "object").description("RFC 9457 problem details");
		Map<String, Schema> properties = new LinkedHashMap<>();
		properties.put("type", typed(new Schema<String>(), "string").format("uri")
			.description("urn:acs-token-service:problem:<code>"));
		properties.put("title", typed(new Schema<String>(), "string"));
		properties.put("status", typed(new Schema<Integer>(), "integer").format("int32"));
		properties.put("detail", typed(new Schema<String>(), "string"));
		properties.put("instance", typed(new Schema<String>(), "string"));
		List<String> codes = new ArrayList<>();
		for (ErrorCode code : ErrorCode.values()) {
			codes.add(code.code());
		}
		properties.put("code", typed(new Schema<String>(), "string")._enum(codes)
			.description("The stable error code: switch on this one"));
		properties.put("scopes", stringArray().description("scope_not_allowed: the refused scopes"));
		properties.put("allowedScopes", stringArray().description("scope_not_allowed: what the tier allows"));
		properties.put("validScopes", stringArray().description("invalid_scope: the scopes ACS knows"));
		properties.put("minExpiresInMinutes", typed(new Schema<Integer>(), "integer").description("invalid_expiry"));
		properties.put("maxExpiresInMinutes", typed(new Schema<Integer>(), "integer").description("invalid_expiry"));
		properties.put("reason", typed(new Schema<String>(), "string")
			.description("not_eligible: denied_user, or an application rule's reason"));
		problem.setProperties(properties);
		problem.setRequired(List.of("type", "title", "status", "code"));
		return problem;
	}

	private static Schema<?> stringArray() {
		return typed(new Schema<>(), "array").items(typed(new Schema<String>(), "string"));
	}

	/**
	 * A type that serializes in both OpenAPI 3.0 ({@code type}) and 3.1 ({@code types}).
	 */
	private static <T> Schema<T> typed(Schema<T> schema, String type) {
		schema.setType(type);
		schema.setTypes(Set.of(type));
		return schema;
	}

	/**
	 * The error responses of an operation: one per status, with an example body for each
	 * code, and {@code Retry-After} on 429 and 503.
	 */
	static void addErrors(ApiResponses responses, Set<ErrorCode> codes) {
		Map<Integer, List<ErrorCode>> byStatus = new TreeMap<>();
		for (ErrorCode code : codes) {
			byStatus.computeIfAbsent(code.status().value(), (status) -> new ArrayList<>()).add(code);
		}
		byStatus.forEach((status, sameStatus) -> {
			MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA));
			List<String> names = new ArrayList<>();
			for (ErrorCode code : sameStatus) {
				names.add(code.code());
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("type", code.type().toString());
				body.put("title", code.title());
				body.put("status", status);
				body.put("code", code.code());
				media.addExamples(code.code(), new Example().summary(code.title()).value(body));
			}
			ApiResponse response = new ApiResponse().description(String.join(", ", names))
				.content(new Content().addMediaType(PROBLEM_MEDIA_TYPE, media));
			if (status == 429 || status == 503) {
				response.addHeaderObject("Retry-After", new Header().description("Seconds to wait before asking again")
					.schema(typed(new Schema<Integer>(), "integer")));
			}
			responses.addApiResponse(Integer.toString(status), response);
		});
	}

	/** The actuator endpoints of the contract, which springdoc does not list itself. */
	private static void addActuator(Paths paths) {
		ApiResponse up = new ApiResponse().description("UP")
			.content(new Content().addMediaType("application/vnd.spring-boot.actuator.v3+json",
					new MediaType().schema(typed(new Schema<>(), "object"))));
		ApiResponse down = new ApiResponse().description("DOWN or OUT_OF_SERVICE");
		String[][] health = { { "/actuator/health", "Overall health; details for role ADMIN" },
				{ "/actuator/health/liveness", "Liveness probe" },
				{ "/actuator/health/readiness", "Readiness probe: the database answers" } };
		for (String[] endpoint : health) {
			Operation operation = new Operation().summary(endpoint[1])
				.addTagsItem(HEALTH_TAG)
				.security(List.of())
				.responses(new ApiResponses().addApiResponse("200", up).addApiResponse("503", down));
			paths.addPathItem(endpoint[0], new PathItem().get(operation));
		}
		String[][] adminOnly = { { "/actuator/info", "Build information (role ADMIN)", "application/json" },
				{ "/actuator/prometheus", "Metrics for Prometheus (role ADMIN)", "text/plain" } };
		for (String[] endpoint : adminOnly) {
			ApiResponses responses = new ApiResponses().addApiResponse("200", new ApiResponse().description("OK")
				.content(new Content().addMediaType(endpoint[2], new MediaType())));
			addErrors(responses, EnumSet.of(ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.RATE_LIMITED));
			paths.addPathItem(endpoint[0], new PathItem()
				.get(new Operation().summary(endpoint[1]).addTagsItem(HEALTH_TAG).responses(responses)));
		}
	}

	@SafeVarargs
	private static Set<ErrorCode> union(Set<ErrorCode>... sets) {
		Set<ErrorCode> all = EnumSet.noneOf(ErrorCode.class);
		for (Set<ErrorCode> set : sets) {
			all.addAll(set);
		}
		return all;
	}

	/**
	 * One operation of the contract.
	 *
	 * @param method the HTTP method, lower case as in the document
	 * @param path the path template
	 * @param summary one line
	 * @param description what a front end should know besides
	 * @param success the status of a success: 200 with a JSON body, or 204 without one
	 * @param errors the error codes of its own
	 */
	record ContractOperation(String method, String path, String summary, String description, int success,
			Set<ErrorCode> errors) {

		/**
		 * Every code the operation may answer, its own and those of any signed-in call.
		 */
		Set<ErrorCode> allErrors() {
			return union(this.errors, SIGNED_IN_ERRORS);
		}

		void applyTo(Operation operation) {
			operation.summary(this.summary).description(this.description);
			ApiResponses responses = operation.getResponses();
			ApiResponse ok = responses.remove("200");
			if (this.success == 204) {
				responses.addApiResponse("204", new ApiResponse().description("Done; no body"));
			}
			else {
				ok = (ok != null) ? ok : new ApiResponse();
				ok.description("OK");
				if ("/token".equals(this.path) || "/token/teams".equals(this.path)) {
					ok.addHeaderObject("Cache-Control", new Header().description("no-store: a token is never cached")
						.schema(typed(new Schema<String>(), "string")));
				}
				responses.addApiResponse("200", ok);
			}
			addErrors(responses, allErrors());
		}

	}

}
