package org.acstokenservice.acs;

/** A new ACS identity and the first token issued for it, in one ACS call. */
public record AcsIdentityAndToken(String communicationUserId, AcsToken token) {
}
