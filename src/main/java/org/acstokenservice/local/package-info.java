/**
 * Local mode, its one definition and all it adds: the embedded ACS emulators, the demo
 * users and the browser example.
 */
@NullMarked
package org.acstokenservice.local;

import org.jspecify.annotations.NullMarked;
