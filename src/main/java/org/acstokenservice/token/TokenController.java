package org.acstokenservice.token;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.audit.AuditEntry;
import org.acstokenservice.audit.AuditEvent.Action;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.identity.IssuedToken;
import org.acstokenservice.identity.IdentityService;
import org.acstokenservice.identity.UserResources;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.policy.TokenGrant;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.token.TeamsTokenExchange.TeamsUserToken;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Issues ACS tokens to signed-in users, as the policy allows, and revokes them. */
@RestController
@EnableConfigurationProperties(TeamsProperties.class)
class TokenController {

	private final EligibilityPolicy policy;

	private final IdentityService identities;

	private final TeamsTokenExchange teams;

	private final AuditTrail audit;

	private final MeterRegistry meters;

	private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

	private final UserResources resources;

	TokenController(EligibilityPolicy policy, IdentityService identities, TeamsTokenExchange teams, AuditTrail audit,
			MeterRegistry meters, UserResources resources) {
		this.policy = policy;
		this.resources = resources;
		this.identities = identities;
		this.teams = teams;
		this.audit = audit;
		this.meters = meters;
	}

	@PostMapping("/token")
	ResponseEntity<TokenResponse> issue(AppUser user, @RequestBody(required = false) TokenRequest body) {
		TokenRequest request = (body != null) ? body : TokenRequest.EMPTY;
		String tier = this.policy.tierOf(user);
		AuditEntry entry = AuditEntry.of(Action.TOKEN_ISSUE, user.id()).withDetail(describe(request, tier));
		TokenGrant grant;
		IssuedToken issued;
		try {
			String resource = this.resources.of(user);
			entry = entry.in(resource);
			grant = this.policy.decide(user, request.acsScopes(), request.lifetime());
			issued = this.identities.issueToken(user.id(), resource, grant.scopes(), grant.lifetime());
		}
		catch (RuntimeException ex) {
			this.audit.refused(entry, ex);
			count(tier, (ex instanceof ProblemException) ? "denied" : "failed", AuditTrail.reason(ex));
			throw ex;
		}
		recordIssued(entry.withDetail(entry.detail() + (issued.reused() ? " reused" : " fresh")), issued);
		count(tier, "issued", "none");
		return noStore(new TokenResponse(issued.token().token(), issued.token().expiresOn(),
				new TokenResponse.User(issued.communicationUserId()),
				grant.scopes().stream().map(AcsScope::wireName).toList()));
	}

	/**
	 * A token that ACS issued for this request is answered, and offered for reuse, only
	 * once its row is committed (otherwise it is neither); one handed back again was
	 * recorded when it was issued.
	 */
	private void recordIssued(AuditEntry entry, IssuedToken issued) {
		if (issued.reused()) {
			this.audit.succeeded(entry, issued.communicationUserId());
			return;
		}
		this.audit.changed(entry, issued.communicationUserId());
		this.identities.confirm(issued);
	}

	/** Revokes every token of the caller's ACS identity in the caller's resource. */
	@PostMapping("/token/revoke")
	ResponseEntity<Void> revoke(AppUser user) {
		AuditEntry entry = AuditEntry.of(Action.TOKEN_REVOKE, user.id());
		try {
			String resource = this.resources.of(user);
			entry = entry.in(resource);
			this.policy.checkRateOnly(user);
			if (!this.identities.revokeTokens(user.id(), resource)) {
				throw new ProblemException(ErrorCode.NOT_FOUND, "No ACS identity yet, so no token to revoke.");
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
	 * Exchanges a Teams user's Entra ID token for an ACS token, as the policy allows a
	 * token with chat and calling rights (see
	 * {@link EligibilityPolicy#checkTeamsExchange}). The audit entry names the Teams
	 * user.
	 */
	@PostMapping("/token/teams")
	ResponseEntity<TeamsTokenResponse> teams(AppUser user, @RequestBody(required = false) TeamsTokenRequest body) {
		String tier = "tier=" + this.policy.tierOf(user);
		AuditEntry entry = AuditEntry.of(Action.TEAMS_EXCHANGE, user.id()).withDetail(tier);
		AcsToken token;
		try {
			String resource = this.resources.of(user);
			entry = entry.in(resource);
			this.policy.checkTeamsExchange(user);
			TeamsUserToken teamsToken = this.teams.read(body);
			entry = entry.withDetail(tier + " teamsUserId=" + teamsToken.objectId());
			token = this.teams.exchange(teamsToken, resource);
		}
		catch (RuntimeException ex) {
			this.audit.refused(entry, ex);
			throw ex;
		}
		this.audit.changed(entry, null);
		return noStore(new TeamsTokenResponse(token.token(), token.expiresOn()));
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

	/**
	 * Tiers are the configured ones, outcomes and reasons a handful: the map stays small.
	 */
	private record CounterKey(String tier, String outcome, String reason) {
	}

	private static String describe(TokenRequest request, String tier) {
		String scopes = (request.scopes() != null) ? request.scopes().stream().collect(Collectors.joining(","))
				: "default";
		String minutes = (request.expiresInMinutes() != null) ? request.expiresInMinutes().toString() : "default";
		return "tier=" + tier + " scopes=" + scopes + " expiresInMinutes=" + minutes;
	}

	private static <T> ResponseEntity<T> noStore(T body) {
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
	}

	record TeamsTokenResponse(String token, Instant expiresOn) {

		@Override
		public String toString() {
			return "TeamsTokenResponse[expiresOn=" + this.expiresOn + "]";
		}

	}

}
