package org.acstokenservice.admin;

import org.acstokenservice.audit.SubjectTrail;
import org.acstokenservice.identity.IdentityAccess;
import org.acstokenservice.security.AppUser;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
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

	/**
	 * Any user's audit trail, as the user reads their own ({@code GET /identity/audit}),
	 * within the admin's look-up limit.
	 */
	@GetMapping("/admin/users/{appUserId}/audit")
	SubjectTrail.Page audit(AppUser admin, @PathVariable String appUserId,
			@RequestParam(required = false) @Nullable String page, @RequestParam(defaultValue = "50") int size) {
		return this.access.trailOf(admin, appUserId, page, size);
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
