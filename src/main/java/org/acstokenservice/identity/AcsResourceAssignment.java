package org.acstokenservice.identity;

import java.util.Optional;

import org.acstokenservice.security.AppUser;

/**
 * Which ACS resource a signed-in user's identity lives in: the resource of their data
 * location, or their customer's own. Asked on every request that acts in the user's
 * resource, from the validated sign-in only. Without a bean of this type,
 * {@code acs.assignment.*} decides (a claim and a map of its values); declare one to
 * decide in code, from anything the {@link AppUser} carries.
 */
@FunctionalInterface
public interface AcsResourceAssignment {

	/**
	 * @return the name of the user's resource, one of those configured; empty when the
	 * user belongs to none, which is answered 403 {@code resource_not_assigned}
	 */
	Optional<String> resourceOf(AppUser user);

}
