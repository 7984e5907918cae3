package org.acstokenservice.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.acstokenservice.testsupport.WebSliceTest;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.identity.IssuedToken;
import org.acstokenservice.identity.IdentityService;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.policy.TokenGrant;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.MediaType;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.never;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP contract of {@code POST /token} for requests that never reach the policy or
 * ACS: validation of the body, media type, method and size, each refused with its problem
 * code. The service's security and error handling are real; what lies behind the
 * controller is mocked, and must not be called.
 */
@WebSliceTest
class TokenControllerTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	EligibilityPolicy policy;

	@Autowired
	IdentityService identities;

	@Autowired
	AuditTrail audit;

	@BeforeEach
	void standardTier() {
		given(this.policy.tierOf(any())).willReturn("standard");
	}

	@Test
	void issueTokenWhenUnknownScopeThenInvalidScopeNamingValidOnes() throws Exception {
		assertProblem(issue("{\"scopes\":[\"chat\",\"video\"]}"), 400, "invalid_scope")
			.andExpect(jsonPath("$.detail").value(containsString("video")))
			.andExpect(jsonPath("$.validScopes.length()").value(5))
			.andExpect(jsonPath("$.validScopes").value(hasItem("chat.join.limited")));
		thenNothingIssued();
	}

	@Test
	void issueTokenWhenEmptyScopeListThenInvalidScope() throws Exception {
		assertProblem(issue("{\"scopes\":[]}"), 400, "invalid_scope");
		thenNothingIssued();
	}

	@Test
	void issueTokenWhenLifetimeOutOfRangeThenInvalidExpiry() throws Exception {
		assertProblem(issue("{\"expiresInMinutes\":59}"), 400, "invalid_expiry")
			.andExpect(jsonPath("$.minExpiresInMinutes").value(60));
		assertProblem(issue("{\"expiresInMinutes\":1441}"), 400, "invalid_expiry")
			.andExpect(jsonPath("$.maxExpiresInMinutes").value(1440));
		thenNothingIssued();
	}

	@Test
	void issueTokenWhenMalformedJsonThenInvalidRequest() throws Exception {
		assertProblem(issue("{\"scopes\":"), 400, "invalid_request");
		assertProblem(issue("{\"scopes\":\"chat\",\"extra\":1}"), 400, "invalid_request");
		assertProblem(issue("{\"expiresInMinutes\":\"soon\"}"), 400, "invalid_request")
			.andExpect(content().string(not(containsString("soon"))));
		thenNothingIssued();
	}

	@Test
	void issueTokenWhenWrongContentTypeThenUnsupportedMediaType() throws Exception {
		assertProblem(this.mvc.perform(signedIn(post("/token")).contentType(MediaType.TEXT_PLAIN).content("chat")), 415,
				"unsupported_media_type");
	}

	@Test
	void issueTokenWhenWrongMethodThenMethodNotAllowed() throws Exception {
		assertProblem(this.mvc.perform(signedIn(get("/token"))), 405, "method_not_allowed");
	}

	@Test
	void issueTokenWhenBodyTooLargeThenPayloadTooLarge() throws Exception {
		String padding = "x".repeat(5000);

		assertProblem(issue("{\"scopes\":[\"chat\"],\"pad\":\"" + padding + "\"}"), 413, "payload_too_large");
		thenNothingIssued();
	}

	@Test
	void issueTokenWhenNotSignedInThenUnauthorizedWithBearerChallenge() throws Exception {
		assertProblem(this.mvc.perform(post("/token").contentType(MediaType.APPLICATION_JSON).content("{}")), 401,
				"unauthorized")
			.andExpect(header().string("WWW-Authenticate", startsWith("Bearer")));
		thenNothingIssued();
	}

	@Test
	void issueTokenWhenServiceClosedThenServiceClosedWithRetryAfter() throws Exception {
		given(this.policy.decide(any(), any(), any())).willThrow(new ProblemException(ErrorCode.SERVICE_CLOSED,
				"The service is not issuing tokens now.", Duration.ofMinutes(10), Map.of()));

		assertProblem(issue("{}"), 503, "service_closed").andExpect(header().string("Retry-After", "600"));
		thenNothingIssued();
	}

	@Test
	void issueTokenWhenItsAuditRowCannotBeCommittedThenDatabaseUnavailableAndTokenNeverOffered() throws Exception {
		given(this.policy.decide(any(), any(), any()))
			.willReturn(new TokenGrant(Set.of(AcsScope.CHAT), Duration.ofMinutes(60)));
		IssuedToken fresh = new IssuedToken("8:acs:r_alice",
				new AcsToken("fresh-token", Instant.now().plusSeconds(3600)), false, null);
		given(this.identities.issueToken(any(), any(), any(), any())).willReturn(fresh);
		willThrow(new DataAccessResourceFailureException("The audit trail was not recorded within PT2S"))
			.given(this.audit)
			.changed(any(), any());

		assertProblem(issue("{}"), 503, "database_unavailable").andExpect(header().exists("Retry-After"))
			.andExpect(content().string(not(containsString("fresh-token"))));
		then(this.identities).should(never()).confirm(any());
	}

	@Test
	void issueTokenWhenHandedBackAgainThenAnsweredWithoutWaitingForItsRow() throws Exception {
		given(this.policy.decide(any(), any(), any()))
			.willReturn(new TokenGrant(Set.of(AcsScope.CHAT), Duration.ofMinutes(60)));
		given(this.identities.issueToken(any(), any(), any(), any())).willReturn(new IssuedToken("8:acs:r_alice",
				new AcsToken("reused-token", Instant.now().plusSeconds(3600)), true, null));

		issue("{}").andExpect(status().isOk());
		then(this.audit).should().reused(any(), any());
		then(this.audit).should(never()).changed(any(), any());
	}

	private ResultActions issue(String body) throws Exception {
		return this.mvc.perform(signedIn(post("/token")).contentType(MediaType.APPLICATION_JSON).content(body));
	}

	private static MockHttpServletRequestBuilder signedIn(MockHttpServletRequestBuilder request) {
		return request.with(jwt().jwt((token) -> token.subject("alice"))
			.authorities(new SimpleGrantedAuthority(AppUser.tierAuthority("standard"))));
	}

	private void thenNothingIssued() {
		then(this.identities).should(never()).issueToken(any(), any(), any(), any());
	}

	private static ResultActions assertProblem(ResultActions result, int status, String code) throws Exception {
		return result.andExpect(status().is(status))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value(code))
			.andExpect(jsonPath("$.status").value(status));
	}

}
