package org.acstokenservice.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Handing back a still fresh token instead of asking ACS for a new one. Tokens are kept
 * only in this instance's memory, never written anywhere.
 *
 * @param enabled whether tokens are reused
 * @param maxEntries how many tokens to keep at most
 */
@ConfigurationProperties("token-service.tokens.reuse")
record TokenReuseProperties(@DefaultValue("true") boolean enabled, @DefaultValue("10000") long maxEntries) {
}
