/**
 * The eligibility policy: which scopes and token lifetime a signed-in user may have, and
 * whom they may look up.
 */
@NullMarked
package org.acstokenservice.policy;

import org.jspecify.annotations.NullMarked;
