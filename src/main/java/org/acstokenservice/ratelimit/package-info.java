/**
 * The token buckets of the rate limits and the ACS budget: in memory for one instance,
 * shared through PostgreSQL for a fleet.
 */
@NullMarked
package org.acstokenservice.ratelimit;

import org.jspecify.annotations.NullMarked;
