package org.acstokenservice.identity;

import java.time.Instant;

import org.acstokenservice.security.AppUser;
import org.acstokenservice.system.ErrorCode;
import org.acstokenservice.system.ProblemException;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in user's own ACS identity. */
@RestController
class IdentityController {

	private final IdentityService identities;

	IdentityController(IdentityService identities) {
		this.identities = identities;
	}

	@GetMapping("/identity")
	IdentityResponse identity(AppUser user) {
		return this.identities.find(user.id())
			.map((identity) -> new IdentityResponse(identity.communicationUserId(), identity.createdAt()))
			.orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND,
					"No ACS identity yet: the first POST /token creates it."));
	}

	record IdentityResponse(String communicationUserId, Instant createdAt) {
	}

}
