package org.acstokenservice.audit;

/**
 * How audit entries past {@code token-service.audit.retention} leave the database: by the
 * day's partition on PostgreSQL ({@link PartitionedAuditRetention}), by a delete on H2,
 * local mode's one instance ({@link DeletingAuditRetention}).
 */
interface AuditRetention {

	/**
	 * Removes what is past the retention and prepares what the next rounds need; called
	 * on one instance of the fleet at a time, every
	 * {@code token-service.audit.purge-interval}. What it cannot do now (a lock not
	 * granted in time) it leaves to the next round.
	 */
	void enforce();

}
