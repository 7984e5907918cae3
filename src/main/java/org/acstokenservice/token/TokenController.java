package org.acstokenservice.token;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.identity.IdentityService;
import org.acstokenservice.identity.IdentityService.IssuedToken;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.policy.TokenGrant;
import org.acstokenservice.security.AppUser;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Issues ACS tokens to signed-in users, as the policy allows. */
@RestController
class TokenController {

	private final EligibilityPolicy policy;

	private final IdentityService identities;

	TokenController(EligibilityPolicy policy, IdentityService identities) {
		this.policy = policy;
		this.identities = identities;
	}

	@PostMapping("/token")
	ResponseEntity<TokenResponse> issue(AppUser user, @RequestBody(required = false) TokenRequest body) {
		TokenRequest request = (body != null) ? body : TokenRequest.EMPTY;
		TokenGrant grant = this.policy.decide(user, request.acsScopes(), request.lifetime());
		IssuedToken issued = this.identities.issueToken(user.id(), grant.scopes(), grant.lifetime());
		TokenResponse response = new TokenResponse(issued.token().token(), issued.token().expiresOn(),
				new TokenResponse.User(issued.communicationUserId()),
				grant.scopes().stream().map(AcsScope::wireName).toList());
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(response);
	}

}
