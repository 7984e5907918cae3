package org.acstokenservice.acs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ACS resources the service issues identities in, by name: each with its own
 * {@link AcsGateway} (its client, its circuit breaker, its budget), since ACS keeps a
 * resource's data in its own location and limits each resource on its own. The resource
 * of the {@code acs.*} settings is {@value #DEFAULT}; {@code acs.resources.<name>} adds
 * others.
 */
public final class AcsResources {

	/** The name of the resource that {@code acs.*} configures. */
	public static final String DEFAULT = "default";

	private final Map<String, AcsGateway> gateways;

	private AcsResources(Map<String, AcsGateway> gateways) {
		if (gateways.isEmpty()) {
			throw new IllegalArgumentException("No ACS resource");
		}
		this.gateways = Collections.unmodifiableMap(new LinkedHashMap<>(gateways));
	}

	/**
	 * @param gateways each resource's gateway, by name, in the order health shows them
	 */
	public static AcsResources of(Map<String, AcsGateway> gateways) {
		return new AcsResources(gateways);
	}

	/** The names of the resources, {@value #DEFAULT} first when there is one. */
	public Set<String> names() {
		return this.gateways.keySet();
	}

	public boolean contains(String name) {
		return this.gateways.containsKey(name);
	}

	/**
	 * The gateway to a resource.
	 * @throws IllegalArgumentException when no resource has that name
	 */
	public AcsGateway gateway(String name) {
		AcsGateway gateway = this.gateways.get(name);
		if (gateway == null) {
			throw new IllegalArgumentException("No ACS resource named " + name);
		}
		return gateway;
	}

}
