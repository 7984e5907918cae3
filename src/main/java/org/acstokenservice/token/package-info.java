/**
 * The token endpoints: issuing ACS access tokens to signed-in users, revoking them and
 * exchanging Teams users' tokens.
 */
@NullMarked
package org.acstokenservice.token;

import org.jspecify.annotations.NullMarked;
