package org.acstokenservice.token;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import org.acstokenservice.acs.AcsScope;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the OpenAPI document says of the token bodies beyond their Java types: the scopes
 * ACS knows, the lifetime's bounds, the required members.
 */
@Configuration(proxyBeanMethods = false)
class TokenApiDocumentation {

	@Bean
	OpenApiCustomizer tokenBodies() {
		return TokenApiDocumentation::describe;
	}

	static void describe(OpenAPI api) {
		if (api.getComponents() == null || api.getComponents().getSchemas() == null) {
			return;
		}
		Map<String, Schema> schemas = api.getComponents().getSchemas();
		Schema<?> tokenRequest = schemas.get("TokenRequest");
		if (tokenRequest != null) {
			tokenRequest.description("Both members are optional: the tier's defaults stand in for them.");
			Schema<?> scopes = property(tokenRequest, "scopes");
			scopes.description("ACS scopes; at least one when present (invalid_scope otherwise)");
			scopes.setItems(scopeSchema());
			Schema<?> minutes = property(tokenRequest, "expiresInMinutes");
			minutes.description("Token lifetime (invalid_expiry outside 60..1440 or above the tier's maximum)")
				.minimum(BigDecimal.valueOf(TokenRequest.MIN_MINUTES))
				.maximum(BigDecimal.valueOf(TokenRequest.MAX_MINUTES));
		}
		Schema<?> tokenResponse = schemas.get("TokenResponse");
		if (tokenResponse != null) {
			tokenResponse.description("An ACS access token for the caller's one ACS identity")
				.required(List.of("token", "expiresOn", "user", "scopes"));
			property(tokenResponse, "scopes").setItems(scopeSchema());
		}
		Schema<?> teamsRequest = schemas.get("TeamsTokenRequest");
		if (teamsRequest != null) {
			teamsRequest.description("The Teams user's Entra ID access token for the ACS Teams scope")
				.required(List.of("token"));
		}
	}

	/** A member of a body's schema, which springdoc read from the record's components. */
	private static Schema<?> property(Schema<?> body, String name) {
		return Objects.requireNonNull((Schema<?>) body.getProperties().get(name),
				() -> body.getName() + " has no member " + name);
	}

	/** A string of ACS's scopes, typed for both OpenAPI 3.0 and 3.1. */
	private static Schema<?> scopeSchema() {
		Schema<String> scope = new Schema<>();
		scope.setType("string");
		scope.setTypes(Set.of("string"));
		return scope._enum(AcsScope.wireNames());
	}

}
