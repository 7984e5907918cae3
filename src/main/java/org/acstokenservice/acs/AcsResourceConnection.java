package org.acstokenservice.acs;

/**
 * A resource other than the default one, as local mode or a test provides it (its
 * embedded emulator), in place of {@code acs.resources.<name>.*}. Declare one bean per
 * resource.
 *
 * @param name the resource's name, as {@code acs.assignment} names it
 * @param details where it is and how calls to it are signed
 */
public record AcsResourceConnection(String name, AcsConnectionDetails details) {
}
