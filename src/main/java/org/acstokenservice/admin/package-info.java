/**
 * The admin's HTTP endpoints: revoking any user's tokens and erasing any user's
 * identities.
 */
@NullMarked
package org.acstokenservice.admin;

import org.jspecify.annotations.NullMarked;
