package org.acstokenservice.token;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.audit.AuditEntry;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.identity.IdentityService;
import org.acstokenservice.identity.IssuedToken;
import org.acstokenservice.identity.UserResources;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.policy.TokenGrant;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.token.TeamsTokenExchange.TeamsUserToken;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;

import org.springframework.stereotype.Component;

/**
 * Issues ACS tokens to signed-in users as the policy allows, revokes them and exchanges
 * Teams users' tokens, each recorded in the audit trail. A token that ACS issued for a
 * request is answered, and offered to later requests for reuse, only once its audit row
 * is committed: if the row is never written (the database refused it, the instance died)
 * the token is neither answered nor reused. A token handed back again was recorded when
 * ACS issued it, so its row is written after the answer.
 */
@Component
class TokenIssuer {

	private final EligibilityPolicy policy;

	private final IdentityService identities;

	private final UserResources resources;

	private final TeamsTokenExchange teams;

	private final AuditTrail audit;

	private final MeterRegistry meters;

	/**
	 * Tiers are the configured ones, outcomes and reasons a handful: the map stays small.
	 */
	private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

	TokenIssuer(EligibilityPolicy policy, IdentityService identities, UserResources resources, TeamsTokenExchange teams,
			AuditTrail audit, MeterRegistry meters) {
		this.policy = policy;
		this.identities = identities;
		this.resources = resources;
		this.teams = teams;
		this.audit = audit;
		this.meters = meters;
	}

	/**
	 * A token for the user's identity in the user's resource, as the policy grants it:
	 * handed back again when one issued before still fits, otherwise issued by ACS.
	 */
	Issued issue(AppUser user, TokenRequest request) {
		String tier = this.policy.tierOf(user);
		String asked = describe(request, tier);
		Issued issued;
		try {
			issued = this.audit.change(AuditEntry.of(Action.TOKEN_ISSUE, user.id()).withDetail(asked), (notes) -> {
				String resource = this.resources.of(user);
				notes.in(resource);
				TokenGrant grant = this.policy.decide(user, request.acsScopes(), request.lifetime());
				IssuedToken token = this.identities.issueToken(user.id(), resource, grant.scopes(), grant.lifetime());
				notes.concerning(token.communicationUserId());
				notes.detail(asked + (token.reused() ? " reused" : " fresh"));
				if (token.reused()) {
					notes.reused();
				}
				return new Issued(token, grant.scopes());
			});
		}
		catch (RuntimeException ex) {
			count(tier, (ex instanceof ProblemException) ? "denied" : "failed", AuditTrail.reason(ex));
			throw ex;
		}
		// Its row is committed: later requests may have it too.
		this.identities.confirm(issued.token());
		count(tier, "issued", "none");
		return issued;
	}

	/** Revokes every token of the user's identity in the user's resource. */
	void revoke(AppUser user) {
		this.audit.changeWithoutResult(AuditEntry.of(Action.TOKEN_REVOKE, user.id()), (notes) -> {
			String resource = this.resources.of(user);
			notes.in(resource);
			this.policy.checkRateOnly(user);
			if (!this.identities.revokeTokens(user.id(), resource)) {
				throw new ProblemException(ErrorCode.NOT_FOUND, "No ACS identity yet, so no token to revoke.");
			}
		});
	}

	/**
	 * Exchanges a Teams user's Entra ID token for an ACS token, as the policy allows a
	 * token with chat and calling rights (see
	 * {@link EligibilityPolicy#checkTeamsExchange}). The audit entry names the Teams
	 * user.
	 */
	AcsToken exchangeTeams(AppUser user, TeamsTokenRequest request) {
		String tier = "tier=" + this.policy.tierOf(user);
		return this.audit.change(AuditEntry.of(Action.TEAMS_EXCHANGE, user.id()).withDetail(tier), (notes) -> {
			String resource = this.resources.of(user);
			notes.in(resource);
			this.policy.checkTeamsExchange(user);
			TeamsUserToken teamsToken = this.teams.read(request);
			notes.detail(tier + " teamsUserId=" + teamsToken.objectId());
			return this.teams.exchange(teamsToken, resource);
		});
	}

	private void count(String tier, String outcome, String reason) {
		this.counters
			.computeIfAbsent(new CounterKey(tier, outcome, reason),
					(key) -> Counter.builder("acs.tokens")
						.description("Token requests by tier, outcome and reason")
						.tag("tier", key.tier())
						.tag("outcome", key.outcome())
						.tag("reason", key.reason())
						.register(this.meters))
			.increment();
	}

	private static String describe(TokenRequest request, String tier) {
		String scopes = (request.scopes() != null) ? request.scopes().stream().collect(Collectors.joining(","))
				: "default";
		String minutes = (request.expiresInMinutes() != null) ? request.expiresInMinutes().toString() : "default";
		return "tier=" + tier + " scopes=" + scopes + " expiresInMinutes=" + minutes;
	}

	/**
	 * A token answered to a request.
	 *
	 * @param token the token, the identity it is for, and whether it was handed back
	 * @param scopes the scopes it grants
	 */
	record Issued(IssuedToken token, Set<AcsScope> scopes) {
	}

	private record CounterKey(String tier, String outcome, String reason) {
	}

}
