/**
 * The one adapter of the Azure Communication Services SDK: a client per ACS resource, its
 * connection details, retries, circuit breaker and budget, behind this project's own
 * types.
 */
@NullMarked
package org.acstokenservice.acs;

import org.jspecify.annotations.NullMarked;
