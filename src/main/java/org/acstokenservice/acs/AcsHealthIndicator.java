package org.acstokenservice.acs;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Shows operators which ACS endpoint the service calls, how it signs its calls, and the
 * circuit breaker's state. It is always UP: an ACS outage hits every instance alike, and
 * taking them all out of the load balancer would turn a retryable 503 into no answer at
 * all. It is not part of readiness.
 */
class AcsHealthIndicator implements HealthIndicator {

	private final AcsGateway gateway;

	private final AcsConnectionDetails connection;

	AcsHealthIndicator(AcsGateway gateway, AcsConnectionDetails connection) {
		this.gateway = gateway;
		this.connection = connection;
	}

	@Override
	public Health health() {
		return Health.up()
			.withDetail("endpoint", this.connection.endpoint().toString())
			.withDetail("credential", (this.connection.accessKey() != null) ? "access-key" : "entra-id")
			.withDetail("circuitBreaker", this.gateway.circuitState())
			.build();
	}

}
