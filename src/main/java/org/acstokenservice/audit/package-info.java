/**
 * The audit trail: what the service did for whom, written to the database, the log and
 * the metrics.
 */
@NullMarked
package org.acstokenservice.audit;

import org.jspecify.annotations.NullMarked;
