package org.acstokenservice.token;

import java.time.Instant;

import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.identity.IssuedToken;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.token.TokenIssuer.Issued;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The token endpoints: issuing, revocation and the Teams exchange, over HTTP. */
@RestController
@EnableConfigurationProperties(TeamsProperties.class)
class TokenController {

	private final TokenIssuer issuer;

	TokenController(TokenIssuer issuer) {
		this.issuer = issuer;
	}

	@PostMapping("/token")
	ResponseEntity<TokenResponse> issue(AppUser user, @RequestBody(required = false) TokenRequest body) {
		Issued issued = this.issuer.issue(user, (body != null) ? body : TokenRequest.EMPTY);
		IssuedToken token = issued.token();
		return noStore(new TokenResponse(token.token().token(), token.token().expiresOn(),
				new TokenResponse.User(token.communicationUserId()),
				issued.scopes().stream().map(AcsScope::wireName).toList()));
	}

	/** Revokes every token of the caller's ACS identity in the caller's resource. */
	@PostMapping("/token/revoke")
	ResponseEntity<Void> revoke(AppUser user) {
		this.issuer.revoke(user);
		return ResponseEntity.noContent().build();
	}

	/** Exchanges a Teams user's Entra ID token for an ACS token. */
	@PostMapping("/token/teams")
	ResponseEntity<TeamsTokenResponse> teams(AppUser user, @RequestBody(required = false) TeamsTokenRequest body) {
		AcsToken token = this.issuer.exchangeTeams(user, body);
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
