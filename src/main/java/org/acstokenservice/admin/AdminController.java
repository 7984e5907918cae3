package org.acstokenservice.admin;

import org.acstokenservice.identity.IdentityAccess;
import org.acstokenservice.security.AppUser;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin's endpoints over HTTP: revoke any user's tokens or erase any user's
 * identities, in every resource. The security filter chain keeps {@code /admin/**} to
 * role ADMIN, and {@link IdentityAccess} checks the role again.
 */
@RestController
class AdminController {

	private final IdentityAccess access;

	AdminController(IdentityAccess access) {
		this.access = access;
	}

	@PostMapping("/admin/users/{appUserId}/revoke")
	ResponseEntity<Void> revoke(AppUser admin, @PathVariable String appUserId) {
		this.access.revokeAny(admin, appUserId);
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping("/admin/users/{appUserId}")
	ResponseEntity<Void> erase(AppUser admin, @PathVariable String appUserId) {
		this.access.eraseAny(admin, appUserId);
		return ResponseEntity.noContent().build();
	}

}
