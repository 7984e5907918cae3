package org.acstokenservice.identity;

import java.time.Instant;

import org.acstokenservice.audit.SubjectTrail;
import org.acstokenservice.security.AppUser;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The identity endpoints over HTTP: the caller's own identity and its erasure, other
 * users' identities (to call them, or to see who calls).
 */
@RestController
class IdentityController {

	private final IdentityAccess access;

	IdentityController(IdentityAccess access) {
		this.access = access;
	}

	/**
	 * The caller's own audit trail, newest first (what the service holds about them),
	 * within the caller's look-up limit.
	 * @param page the {@code next} of the page before; none for the newest
	 */
	@GetMapping("/identity/audit")
	SubjectTrail.Page audit(AppUser user, @RequestParam(required = false) @Nullable String page,
			@RequestParam(defaultValue = "50") int size) {
		return this.access.ownTrail(user, page, size);
	}

	@GetMapping("/identity")
	IdentityResponse identity(AppUser user) {
		return IdentityResponse.of(this.access.own(user));
	}

	@DeleteMapping("/identity")
	ResponseEntity<Void> erase(AppUser user) {
		this.access.erase(user);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/users/{appUserId}/identity")
	IdentityResponse identityOf(AppUser user, @PathVariable String appUserId) {
		return IdentityResponse.of(this.access.identityOf(user, appUserId));
	}

	@GetMapping("/identities/{communicationUserId}")
	IdentityResponse appUserOf(AppUser user, @PathVariable String communicationUserId) {
		return IdentityResponse.of(this.access.appUserOf(user, communicationUserId));
	}

	/**
	 * @param resource the name of the ACS resource the identity lives in
	 */
	record IdentityResponse(String appUserId, String communicationUserId, Instant createdAt, String resource) {

		static IdentityResponse of(StoredIdentity identity) {
			return new IdentityResponse(identity.appUserId(), identity.communicationUserId(), identity.createdAt(),
					identity.resource());
		}

	}

}
