package org.acstokenservice.acs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Shows operators which ACS endpoint the service calls, how it signs its calls, and the
 * circuit breaker's state: the first resource's (the default one) at the top, and each
 * resource's under {@code resources} when there are several. It is always UP: an ACS
 * outage hits every instance alike, and taking them all out of the load balancer would
 * turn a retryable 503 into no answer at all; nor does one resource down take the users
 * of the others out. It is not part of readiness.
 */
class AcsHealthIndicator implements HealthIndicator {

	private final AcsResources resources;

	private final Map<String, AcsConnectionDetails> connections;

	AcsHealthIndicator(AcsResources resources, Map<String, AcsConnectionDetails> connections) {
		this.resources = resources;
		this.connections = connections;
	}

	@Override
	public Health health() {
		Map<String, Map<String, String>> each = new LinkedHashMap<>();
		for (String name : this.resources.names()) {
			AcsConnectionDetails connection = Objects.requireNonNull(this.connections.get(name),
					"every resource's gateway is built from its connection");
			Map<String, String> details = new LinkedHashMap<>();
			details.put("endpoint", connection.endpoint().toString());
			details.put("credential", (connection.accessKey() != null) ? "access-key" : "entra-id");
			details.put("circuitBreaker", this.resources.gateway(name).circuitState());
			each.put(name, details);
		}
		Health.Builder health = Health.up().withDetails(each.values().iterator().next());
		if (each.size() > 1) {
			health.withDetail("resources", each);
		}
		return health.build();
	}

}
