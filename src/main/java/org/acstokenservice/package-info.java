/**
 * The ACS Token Service's entry point; each concern lives in a package of its own below
 * it.
 */
@NullMarked
package org.acstokenservice;

import org.jspecify.annotations.NullMarked;
