package org.acstokenservice.audit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audit trail.
 *
 * @param retention how long entries are kept in the database; older ones are deleted
 * @param purgeInterval how often old entries are looked for
 */
@ConfigurationProperties("audit")
record AuditProperties(@DefaultValue("90d") Duration retention, @DefaultValue("1h") Duration purgeInterval) {

	AuditProperties {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException("audit.retention must be positive");
		}
	}

}
