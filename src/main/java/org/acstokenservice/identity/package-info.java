/**
 * The users' ACS identities: each user's one identity found or created, its tokens
 * reused, revoked and erased, and the resource it lives in.
 */
@NullMarked
package org.acstokenservice.identity;

import org.jspecify.annotations.NullMarked;
