package org.acstokenservice.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.acs.AcsGateway;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.audit.SubjectTrail;
import org.acstokenservice.audit.AuditTrails;
import org.acstokenservice.ratelimit.BucketStore;
import org.acstokenservice.ratelimit.InMemoryBucketStore;
import org.acstokenservice.identity.IdentityDeletions;
import org.acstokenservice.identity.IdentityService;
import org.acstokenservice.identity.UserResources;
import org.acstokenservice.policy.EligibilityPolicy;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The HTTP contract of the controllers, without a server, a database or ACS: every
 * controller with the service's real security chain (JWT sign-in), problem bodies, body
 * limit, the flows behind the controllers ({@code TokenIssuer}, {@code IdentityAccess})
 * and an audit trail that writes nothing; what lies behind those is mocked (inject the
 * mocks by type). Test classes with this annotation share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@WebMvcTest(
		includeFilters = @ComponentScan.Filter(type = FilterType.REGEX,
				pattern = "org\\.acstokenservice\\.(security\\.SecurityConfiguration|web\\.(WebConfiguration|Problems)"
						+ "|token\\.(TeamsTokenExchange|TokenIssuer)|identity\\.IdentityAccess)"),
		properties = { "spring.security.oauth2.resourceserver.jwt.issuer-uri=https://issuer.test/tenant",
				"spring.security.oauth2.resourceserver.jwt.audiences=api://acs-token-service",
				"token-service.teams.client-id=" + ServiceTestConfiguration.TEAMS_CLIENT_ID })
@MockitoBean(types = { EligibilityPolicy.class, IdentityService.class, IdentityDeletions.class, AcsGateway.class,
		SubjectTrail.class, JwtDecoder.class })
@Import(WebSliceTest.Shared.class)
public @interface WebSliceTest {

	/** The shared buckets and metrics, in memory. */
	@TestConfiguration(proxyBeanMethods = false)
	class Shared {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		/** The default resource alone, its gateway the mocked one. */
		@Bean
		AcsResources acsResources(AcsGateway gateway) {
			return AcsResources.of(Map.of(AcsResources.DEFAULT, gateway));
		}

		@Bean
		UserResources userResources(AcsResources resources) {
			return new UserResources((user) -> Optional.of(AcsResources.DEFAULT), resources);
		}

		@Bean
		BucketStore bucketStore() {
			return new InMemoryBucketStore();
		}

		/** The real trail, writing nothing, spied on. */
		@Bean
		AuditTrail auditTrail(MeterRegistry meters, BucketStore buckets) {
			return AuditTrails.writingNothing(meters, buckets);
		}

	}

}
