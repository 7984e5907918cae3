package org.acstokenservice.testsupport;

import org.acstokenservice.policy.EligibilityDecision;
import org.acstokenservice.policy.EligibilityRule;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * What every {@link ServiceTest} and {@link JwtServiceTest} context adds to the service.
 * The same for all, so that it never splits the context cache.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ServiceTestConfiguration {

	/**
	 * The properties of every shared context, in one place: generous limits and the names
	 * below.
	 */
	public static final String PROPERTIES = "classpath:service-test.properties";

	/** The Teams application whose tokens the service may exchange. */
	public static final String TEAMS_CLIENT_ID = "1b7c4d2e-0000-4000-8000-000000000001";

	/** The one user on the deny list. */
	public static final String DENIED_USER = "mallory";

	/** The one browser origin that may call the service. */
	public static final String ALLOWED_ORIGIN = "https://app.example.com";

	/** Users whose id starts so are refused by an application's eligibility rule. */
	public static final String UNPAID_PREFIX = "unpaid-";

	/** Time that tests can move; reset it after use, the context is shared. */
	@Bean
	@Primary
	MutableClock testClock() {
		return new MutableClock();
	}

	/** An application's own rule, as applications may add them. */
	@Bean
	EligibilityRule paidSubscriptionRule() {
		return (request) -> request.user().id().startsWith(UNPAID_PREFIX)
				? EligibilityDecision.deny("subscription_required") : EligibilityDecision.allow();
	}

	@Bean
	@Lazy
	TestUsers testUsers() {
		return new TestUsers(TestJwtIssuer.shared());
	}

	/**
	 * A client of the running service, signing in as the context does: JWT users when an
	 * issuer is configured, the demo users otherwise. Lazy, because the port is known
	 * only once the server has started.
	 */
	@Bean
	@Lazy
	ServiceClient serviceClient(Environment environment, ObjectProvider<TestUsers> users) {
		int port = environment.getRequiredProperty("local.server.port", Integer.class);
		if (environment.containsProperty("spring.security.oauth2.resourceserver.jwt.jwk-set-uri")) {
			return new ServiceClient(port, users.getObject()::authorization);
		}
		return new ServiceClient(port);
	}

}
