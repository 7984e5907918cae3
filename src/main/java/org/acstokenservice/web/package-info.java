/**
 * The HTTP contract's shared parts: problem+json errors and their codes, limits on what
 * clients send, and the OpenAPI document.
 */
@NullMarked
package org.acstokenservice.web;

import org.jspecify.annotations.NullMarked;
