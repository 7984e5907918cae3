package org.acstokenservice.identity;

import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACS resource of the signed-in user, as the {@link AcsResourceAssignment} decides,
 * for the requests that act in it: a token, its revocation, the caller's own identity, a
 * look-up of another user, the Teams exchange. A user in no resource, or in one that is
 * not configured, gets 403 {@code resource_not_assigned}: never the default by accident.
 */
public class UserResources {

	private static final Logger logger = LoggerFactory.getLogger(UserResources.class);

	private final AcsResourceAssignment assignment;

	private final AcsResources resources;

	public UserResources(AcsResourceAssignment assignment, AcsResources resources) {
		this.assignment = assignment;
		this.resources = resources;
	}

	/**
	 * @return the name of the user's resource
	 * @throws ProblemException 403 {@code resource_not_assigned}
	 */
	public String of(AppUser user) {
		String resource = this.assignment.resourceOf(user).orElse(null);
		if (resource == null) {
			throw new ProblemException(ErrorCode.RESOURCE_NOT_ASSIGNED,
					"The signed-in user belongs to no ACS resource of this service.");
		}
		if (!this.resources.contains(resource)) {
			logger.warn("The resource assignment names ACS resource {} for app user {}, which is not configured",
					resource, user.id());
			throw new ProblemException(ErrorCode.RESOURCE_NOT_ASSIGNED,
					"The signed-in user belongs to no ACS resource of this service.");
		}
		return resource;
	}

}
