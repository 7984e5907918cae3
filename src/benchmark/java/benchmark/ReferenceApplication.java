package benchmark;

import java.time.Instant;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The benchmark's reference endpoint: a bare Spring Boot application behind the same
 * resource-server JWT check as the service (issuer, audience and key set from the usual
 * {@code spring.security.oauth2.resourceserver.jwt.*} properties) that answers
 * {@code POST /token} with a body of {@code reference.body-size} bytes, the size of the
 * service's token response. What the service does beyond this is its own cost.
 * <p>
 * It lives outside {@code org.acstokenservice} so that the service's component scan in
 * the tests never finds it, and it runs without the service's classes on its class path.
 * The database auto-configuration is left out: the class path has a JDBC driver because
 * the service's tests need one, not because the reference does. So is tracing
 * (OpenTelemetry, and the exemplars it adds to every timer): the service's own, which a
 * bare endpoint does not have and which its figures include.
 */
@SpringBootApplication(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration",
		"org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
		"org.springframework.boot.opentelemetry.autoconfigure.logging.OpenTelemetryLoggingAutoConfiguration",
		"org.springframework.boot.opentelemetry.autoconfigure.logging.otlp.OtlpLoggingAutoConfiguration" })
public class ReferenceApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReferenceApplication.class, args);
	}

	@Bean
	SecurityFilterChain referenceSecurity(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to(HealthEndpoint.class))
			.permitAll()
			.anyRequest()
			.authenticated())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()));
		return http.build();
	}

	/** Answers every signed-in user with the same body, padded to the wanted size. */
	@RestController
	static class TokenEndpoint {

		private static final String USER = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000";

		private final String padding;

		TokenEndpoint(@Value("${reference.body-size}") int bodySize, JsonMapper json) {
			int withoutToken = json.writeValueAsString(body("")).length();
			this.padding = "x".repeat(Math.max(0, bodySize - withoutToken));
		}

		@PostMapping("/token")
		ResponseEntity<Body> token(@AuthenticationPrincipal Jwt user) {
			return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body(this.padding));
		}

		private static Body body(String token) {
			return new Body(token, Instant.parse("2026-01-01T00:00:00Z"), new Body.User(USER), List.of("chat", "voip"));
		}

	}

	/** The shape of the service's token response. */
	record Body(String token, Instant expiresOn, User user, List<String> scopes) {

		record User(String communicationUserId) {
		}

	}

}
