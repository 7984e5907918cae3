package org.acstokenservice.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import org.acstokenservice.audit.AuditEntry;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;

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

	private final IdentityDeletions deletions;

	private final EligibilityPolicy policy;

	private final AuditTrail audit;

	private final UserResources resources;

	IdentityController(IdentityService identities, IdentityDeletions deletions, EligibilityPolicy policy,
			AuditTrail audit, UserResources resources) {
		this.identities = identities;
		this.resources = resources;
		this.deletions = deletions;
		this.policy = policy;
		this.audit = audit;
	}

	@GetMapping("/identity")
	IdentityResponse identity(AppUser user) {
		return this.identities.find(user.id(), this.resources.of(user))
			.map(IdentityResponse::of)
			.orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND,
					"No ACS identity yet: the first POST /token creates it."));
	}

	/**
	 * The right to erasure: the user's identities in every resource go at ACS and here.
	 * Open to a user in no resource too.
	 */
	@DeleteMapping("/identity")
	ResponseEntity<Void> erase(AppUser user) {
		AuditEntry entry = AuditEntry.of(Action.IDENTITY_ERASE, user.id());
		try {
			this.policy.checkRateOnly(user);
			this.deletions.erase(user.id());
		}
		catch (RuntimeException ex) {
			this.audit.refused(entry, ex);
			throw ex;
		}
		this.audit.changed(entry, null);
		return ResponseEntity.noContent().build();
	}

	/**
	 * Another user's identity in the caller's resource: a user whose identity lives in
	 * another resource cannot be called from the caller's, so is not found.
	 */
	@GetMapping("/users/{appUserId}/identity")
	IdentityResponse identityOf(AppUser user, @PathVariable String appUserId) {
		AuditEntry entry = AuditEntry.of(Action.IDENTITY_LOOKUP, user.id())
			.about(appUserId)
			.withDetail("by app user id");
		return lookUp(user, entry, () -> this.identities.find(appUserId, this.resources.of(user)),
				"That user has no ACS identity in the caller's ACS resource.");
	}

	@GetMapping("/identities/{communicationUserId}")
	IdentityResponse appUserOf(AppUser user, @PathVariable String communicationUserId) {
		AuditEntry entry = AuditEntry.of(Action.IDENTITY_LOOKUP, user.id())
			.about(null)
			.withDetail("by ACS identity " + communicationUserId);
		return lookUp(user, entry, () -> this.identities.findByCommunicationUserId(communicationUserId),
				"No app user has that ACS identity.");
	}

	private IdentityResponse lookUp(AppUser user, AuditEntry entry, Supplier<Optional<StoredIdentity>> find,
			String notFound) {
		IdentityResponse found;
		try {
			this.policy.checkLookup(user);
			found = find.get()
				.map(IdentityResponse::of)
				.orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND, notFound));
		}
		catch (RuntimeException ex) {
			this.audit.refused(entry, ex);
			throw ex;
		}
		this.audit.succeeded(entry, found.communicationUserId());
		return found;
	}

	@PostMapping("/admin/users/{appUserId}/revoke")
	ResponseEntity<Void> revokeAny(AppUser admin, @PathVariable String appUserId) {
		requireAdmin(admin);
		AuditEntry entry = AuditEntry.of(Action.TOKEN_REVOKE, admin.id()).about(appUserId).withDetail("by admin");
		try {
			if (!this.identities.revokeTokensEverywhere(appUserId)) {
				throw new ProblemException(ErrorCode.NOT_FOUND, "That user has no ACS identity.");
			}
		}
		catch (RuntimeException ex) {
			this.audit.refused(entry, ex);
			throw ex;
		}
		this.audit.changed(entry, null);
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping("/admin/users/{appUserId}")
	ResponseEntity<Void> eraseAny(AppUser admin, @PathVariable String appUserId) {
		requireAdmin(admin);
		AuditEntry entry = AuditEntry.of(Action.IDENTITY_ERASE, admin.id()).about(appUserId).withDetail("by admin");
		try {
			if (!this.deletions.erase(appUserId)) {
				throw new ProblemException(ErrorCode.NOT_FOUND, "That user has no ACS identity.");
			}
		}
		catch (RuntimeException ex) {
			this.audit.refused(entry, ex);
			throw ex;
		}
		this.audit.changed(entry, null);
		return ResponseEntity.noContent().build();
	}

	/**
	 * The security filter chain already keeps {@code /admin/**} to role ADMIN; checked
	 * here too, so that a URL rule that a later change loosens or reorders does not open
	 * these endpoints to every signed-in user. The same 403 as the chain's.
	 */
	private static void requireAdmin(AppUser user) {
		if (!user.isAdmin()) {
			throw new ProblemException(ErrorCode.FORBIDDEN, "This endpoint is not open to the signed-in user.");
		}
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
