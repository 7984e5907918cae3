/**
 * What a trace holds and which callers may continue one.
 */
@NullMarked
package org.acstokenservice.tracing;

import org.jspecify.annotations.NullMarked;
