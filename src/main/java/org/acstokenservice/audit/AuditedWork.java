package org.acstokenservice.audit;

/**
 * The work of one request that the {@link AuditTrail} records: it may note on the way
 * what the entry should say (the resource it acts in, a detail, the identity concerned).
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface AuditedWork<T> {

	T run(AuditNotes notes);

}
