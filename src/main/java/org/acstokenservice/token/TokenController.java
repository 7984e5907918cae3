package org.acstokenservice.token;

import java.time.Instant;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.identity.IdentityService;
import org.acstokenservice.identity.IdentityService.IssuedToken;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.policy.TokenGrant;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.system.ErrorCode;
import org.acstokenservice.system.ProblemException;

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

	TokenController(EligibilityPolicy policy, IdentityService identities, TeamsTokenExchange teams) {
		this.policy = policy;
		this.identities = identities;
		this.teams = teams;
	}

	@PostMapping("/token")
	ResponseEntity<TokenResponse> issue(AppUser user, @RequestBody(required = false) TokenRequest body) {
		TokenRequest request = (body != null) ? body : TokenRequest.EMPTY;
		TokenGrant grant = this.policy.decide(user, request.acsScopes(), request.lifetime());
		IssuedToken issued = this.identities.issueToken(user.id(), grant.scopes(), grant.lifetime());
		TokenResponse response = new TokenResponse(issued.token().token(), issued.token().expiresOn(),
				new TokenResponse.User(issued.communicationUserId()),
				grant.scopes().stream().map(AcsScope::wireName).toList());
		return noStore(response);
	}

	/** Revokes every token of the caller's ACS identity. */
	@PostMapping("/token/revoke")
	ResponseEntity<Void> revoke(AppUser user) {
		if (!this.identities.revokeTokens(user.id())) {
			throw new ProblemException(ErrorCode.NOT_FOUND, "No ACS identity yet, so no token to revoke.");
		}
		return ResponseEntity.noContent().build();
	}

	/** Exchanges a Teams user's Entra ID token for an ACS token. */
	@PostMapping("/token/teams")
	ResponseEntity<TeamsTokenResponse> teams(@RequestBody(required = false) TeamsTokenRequest body) {
		AcsToken token = this.teams.exchange(body);
		return noStore(new TeamsTokenResponse(token.token(), token.expiresOn()));
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
