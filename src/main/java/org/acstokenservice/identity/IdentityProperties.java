package org.acstokenservice.identity;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The identities' background work.
 *
 * @param deletionRetryInterval how often deletions at ACS that ACS did not confirm are
 * tried again, on one instance of the fleet at a time (the job's schedule reads it)
 */
@ConfigurationProperties("token-service.identity")
record IdentityProperties(@DefaultValue("30s") Duration deletionRetryInterval) {

	IdentityProperties {
		if (deletionRetryInterval.isNegative() || deletionRetryInterval.isZero()) {
			throw new IllegalArgumentException("token-service.identity.deletion-retry-interval must be positive");
		}
	}

}
