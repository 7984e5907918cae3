/**
 * Who may call what: the security filter chain, sign-in by JWT or local mode's demo
 * users, and the 401, 403 and 429 problems of failed sign-ins.
 */
@NullMarked
package org.acstokenservice.security;

import org.jspecify.annotations.NullMarked;
