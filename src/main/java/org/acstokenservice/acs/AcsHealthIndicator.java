package org.acstokenservice.acs;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Shows operators how the service reaches ACS and the circuit breaker's state. It is
 * always UP: an ACS outage hits every instance alike, and taking them all out of the load
 * balancer would turn a retryable 503 into no answer at all. It is not part of readiness.
 */
@Component
class AcsHealthIndicator implements HealthIndicator {

	private final AcsGateway gateway;

	private final AcsProperties properties;

	AcsHealthIndicator(AcsGateway gateway, AcsProperties properties) {
		this.gateway = gateway;
		this.properties = properties;
	}

	@Override
	public Health health() {
		return Health.up().withDetail("mode", mode()).withDetail("circuitBreaker", this.gateway.circuitState()).build();
	}

	private String mode() {
		if (this.properties.emulated()) {
			return "emulator";
		}
		return StringUtils.hasText(this.properties.connectionString()) ? "connection-string" : "managed-identity";
	}

}
