package org.acstokenservice.system;

import java.net.http.HttpResponse;

import org.acstokenservice.ServiceClient;
import org.acstokenservice.ServiceTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document is public in local mode. With a JWT issuer it needs a sign-in
 * ({@code JwtSignInTests}).
 */
@ServiceTest
class OpenApiTests {

	@Autowired
	ServiceClient client;

	@Test
	void openApiWhenLocalModeThenPublicAndDescribesTheContract() {
		HttpResponse<String> response = this.client.get("/v3/api-docs", null);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode paths = ServiceClient.json(response).path("paths");
		assertThat(paths.has("/token")).isTrue();
		assertThat(paths.has("/identities/{communicationUserId}")).isTrue();
		assertThat(response.body()).doesNotContain("AppUser");
	}

}
