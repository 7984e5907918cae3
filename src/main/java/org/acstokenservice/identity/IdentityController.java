package org.acstokenservice.identity;

import java.time.Instant;

import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.system.ErrorCode;
import org.acstokenservice.system.ProblemException;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * ACS identities: the caller's own, other users' (to call them, or to see who calls), and
 * the admin's hold over anyone's.
 */
@RestController
class IdentityController {

	private final IdentityService identities;

	private final EligibilityPolicy policy;

	private final AuditTrail audit;

	IdentityController(IdentityService identities, EligibilityPolicy policy, AuditTrail audit) {
		this.identities = identities;
		this.policy = policy;
		this.audit = audit;
	}

	@GetMapping("/identity")
	IdentityResponse identity(AppUser user) {
		return this.identities.find(user.id())
			.map(IdentityResponse::of)
			.orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND,
					"No ACS identity yet: the first POST /token creates it."));
	}

	/** The right to erasure: the identity goes at ACS and here. */
	@DeleteMapping("/identity")
	ResponseEntity<Void> erase(AppUser user) {
		this.audit.around(Action.IDENTITY_ERASE, user.id(), user.id(), null, () -> {
			this.policy.checkRateOnly(user);
			return this.identities.erase(user.id());
		}, (erased) -> null);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/users/{appUserId}/identity")
	IdentityResponse identityOf(AppUser user, @PathVariable String appUserId) {
		return this.audit.around(Action.IDENTITY_LOOKUP, user.id(), appUserId, "by app user id", () -> {
			this.policy.checkLookup(user);
			return this.identities.find(appUserId)
				.map(IdentityResponse::of)
				.orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND, "That user has no ACS identity."));
		}, IdentityResponse::communicationUserId);
	}

	@GetMapping("/identities/{communicationUserId}")
	IdentityResponse appUserOf(AppUser user, @PathVariable String communicationUserId) {
		return this.audit.around(Action.IDENTITY_LOOKUP, user.id(), null, "by ACS identity " + communicationUserId,
				() -> {
					this.policy.checkLookup(user);
					return this.identities.findByCommunicationUserId(communicationUserId)
						.map(IdentityResponse::of)
						.orElseThrow(
								() -> new ProblemException(ErrorCode.NOT_FOUND, "No app user has that ACS identity."));
				}, IdentityResponse::communicationUserId);
	}

	@PostMapping("/admin/users/{appUserId}/revoke")
	ResponseEntity<Void> revokeAny(AppUser admin, @PathVariable String appUserId) {
		this.audit.around(Action.TOKEN_REVOKE, admin.id(), appUserId, "by admin", () -> {
			if (!this.identities.revokeTokens(appUserId)) {
				throw new ProblemException(ErrorCode.NOT_FOUND, "That user has no ACS identity.");
			}
			return null;
		}, (nothing) -> null);
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping("/admin/users/{appUserId}")
	ResponseEntity<Void> eraseAny(AppUser admin, @PathVariable String appUserId) {
		this.audit.around(Action.IDENTITY_ERASE, admin.id(), appUserId, "by admin", () -> {
			if (!this.identities.erase(appUserId)) {
				throw new ProblemException(ErrorCode.NOT_FOUND, "That user has no ACS identity.");
			}
			return null;
		}, (nothing) -> null);
		return ResponseEntity.noContent().build();
	}

	record IdentityResponse(String appUserId, String communicationUserId, Instant createdAt) {

		static IdentityResponse of(StoredIdentity identity) {
			return new IdentityResponse(identity.appUserId(), identity.communicationUserId(), identity.createdAt());
		}

	}

}
