package org.acstokenservice.identity;

import java.util.Optional;

import org.acstokenservice.audit.AuditEntry;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.audit.SubjectTrail;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * What signed-in users may ask about ACS identities, as the policy allows, each recorded
 * in the audit trail: their own identity and its erasure, another user's identity (to
 * call them), who an incoming caller is; and an admin's revocation and erasure of
 * anyone's.
 */
@Component
public class IdentityAccess {

	private final IdentityService identities;

	private final IdentityDeletions deletions;

	private final EligibilityPolicy policy;

	private final AuditTrail audit;

	private final UserResources resources;

	private final SubjectTrail trails;

	IdentityAccess(IdentityService identities, IdentityDeletions deletions, EligibilityPolicy policy, AuditTrail audit,
			UserResources resources, SubjectTrail trails) {
		this.identities = identities;
		this.deletions = deletions;
		this.policy = policy;
		this.audit = audit;
		this.resources = resources;
		this.trails = trails;
	}

	/**
	 * The caller's identity in the caller's resource.
	 * @throws ProblemException 404 before the first token
	 */
	public StoredIdentity own(AppUser user) {
		return this.identities.find(user.id(), this.resources.of(user))
			.orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND,
					"No ACS identity yet: the first POST /token creates it."));
	}

	/**
	 * A page of the caller's own audit trail. Each page is a database read, so it spends
	 * one of the caller's look-ups, from the same allowance as the look-ups of others.
	 * @throws ProblemException 429 when the caller's look-ups are spent, 400 for a bad
	 * page or size
	 */
	public SubjectTrail.Page ownTrail(AppUser user, @Nullable String cursor, int size) {
		this.policy.checkLookupRate(user);
		return this.trails.page(user.id(), cursor, size);
	}

	/**
	 * An admin reads any user's audit trail, a page at a time: one of the admin's
	 * look-ups, as the admin's other look-ups are.
	 * @throws ProblemException 403 for a caller who is no admin, 429 when the admin's
	 * look-ups are spent, 400 for a bad page or size
	 */
	public SubjectTrail.Page trailOf(AppUser admin, String appUserId, @Nullable String cursor, int size) {
		requireAdmin(admin);
		this.policy.checkLookupRate(admin);
		return this.trails.page(appUserId, cursor, size);
	}

	/**
	 * The right to erasure: the user's identities in every resource go at ACS and here.
	 * Open to a user in no resource too.
	 */
	public void erase(AppUser user) {
		this.audit.changeWithoutResult(AuditEntry.of(Action.IDENTITY_ERASE, user.id()), (notes) -> {
			this.policy.checkRateOnly(user);
			this.deletions.erase(user.id());
		});
	}

	/**
	 * Another user's identity in the caller's resource: a user whose identity lives in
	 * another resource cannot be called from the caller's, so is not found.
	 */
	public StoredIdentity identityOf(AppUser user, String appUserId) {
		AuditEntry entry = AuditEntry.of(Action.IDENTITY_LOOKUP, user.id())
			.about(appUserId)
			.withDetail("by app user id");
		return this.audit.lookUp(entry, (notes) -> {
			this.policy.checkLookup(user);
			StoredIdentity found = this.identities.find(appUserId, this.resources.of(user))
				.orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND,
						"That user has no ACS identity in the caller's ACS resource."));
			notes.concerning(found.communicationUserId());
			return found;
		});
	}

	/**
	 * The app user an ACS identity belongs to: who an incoming caller is. Only in the
	 * caller's resource, as other users' identities: with one resource per customer, a
	 * user of one customer must not learn who is behind another customer's identities,
	 * and an identity cannot call across resources anyway. Admins look in every resource.
	 */
	public StoredIdentity appUserOf(AppUser user, String communicationUserId) {
		AuditEntry entry = AuditEntry.of(Action.IDENTITY_LOOKUP, user.id())
			.about(null)
			.withDetail("by ACS identity " + communicationUserId);
		return this.audit.lookUp(entry, (notes) -> {
			this.policy.checkLookup(user);
			Optional<StoredIdentity> anywhere = this.identities.findByCommunicationUserId(communicationUserId);
			String resource = user.isAdmin() ? null : this.resources.of(user);
			StoredIdentity found = anywhere
				.filter((identity) -> resource == null || resource.equals(identity.resource()))
				.orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND,
						"No app user has that ACS identity in the caller's ACS resource."));
			notes.concerning(found.communicationUserId());
			return found;
		});
	}

	/**
	 * An admin revokes every token of a user's identities, in every resource.
	 * @throws ProblemException 403 for a caller who is no admin, 404 for a user with no
	 * identity
	 */
	public void revokeAny(AppUser admin, String appUserId) {
		requireAdmin(admin);
		AuditEntry entry = AuditEntry.of(Action.TOKEN_REVOKE, admin.id()).about(appUserId).withDetail("by admin");
		this.audit.changeWithoutResult(entry, (notes) -> {
			if (!this.identities.revokeTokensEverywhere(appUserId)) {
				throw new ProblemException(ErrorCode.NOT_FOUND, "That user has no ACS identity.");
			}
		});
	}

	/**
	 * An admin erases a user's identities, in every resource.
	 * @throws ProblemException 403 for a caller who is no admin, 404 for a user with no
	 * identity
	 */
	public void eraseAny(AppUser admin, String appUserId) {
		requireAdmin(admin);
		AuditEntry entry = AuditEntry.of(Action.IDENTITY_ERASE, admin.id()).about(appUserId).withDetail("by admin");
		this.audit.changeWithoutResult(entry, (notes) -> {
			if (!this.deletions.erase(appUserId)) {
				throw new ProblemException(ErrorCode.NOT_FOUND, "That user has no ACS identity.");
			}
		});
	}

	/**
	 * The security filter chain already keeps {@code /admin/**} to role ADMIN; checked
	 * here too, so that a URL rule that a later change loosens or reorders does not open
	 * these to every signed-in user. The same 403 as the chain's.
	 */
	private static void requireAdmin(AppUser user) {
		if (!user.isAdmin()) {
			throw new ProblemException(ErrorCode.FORBIDDEN, "This endpoint is not open to the signed-in user.");
		}
	}

}
