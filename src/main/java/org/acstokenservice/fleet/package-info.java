/**
 * What the instances of a fleet share through the database: the change feed, the
 * database's clock and the locks of background jobs.
 */
@NullMarked
package org.acstokenservice.fleet;

import org.jspecify.annotations.NullMarked;
