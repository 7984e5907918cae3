package org.acstokenservice.admin;

import java.time.Duration;
import java.util.Map;

import org.acstokenservice.testsupport.WebSliceTest;
import org.acstokenservice.audit.SubjectTrail;
import org.acstokenservice.identity.IdentityDeletions;
import org.acstokenservice.identity.IdentityService;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.willThrow;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP contract of the admin endpoints, with the service's real security chain and
 * problem bodies and the identities behind them mocked.
 */
@WebSliceTest
class AdminControllerTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	IdentityService identities;

	@Autowired
	IdentityDeletions deletions;

	@Autowired
	EligibilityPolicy policy;

	@Autowired
	SubjectTrail trails;

	@Test
	void adminEndpointsWhenSignedInWithoutAdminRoleThenForbiddenByTheChain() throws Exception {
		assertProblem(this.mvc.perform(asUser("alice", post("/admin/users/bob/revoke"))), 403, "forbidden");
		assertProblem(this.mvc.perform(asUser("alice", delete("/admin/users/bob"))), 403, "forbidden");
		then(this.identities).shouldHaveNoInteractions();
		then(this.deletions).shouldHaveNoInteractions();
	}

	@Test
	void adminEndpointsWhenUserHasNoIdentityThenNotFound() throws Exception {
		given(this.identities.revokeTokensEverywhere("ghost")).willReturn(false);
		given(this.deletions.erase("ghost")).willReturn(false);

		assertProblem(this.mvc.perform(asAdmin(post("/admin/users/ghost/revoke"))), 404, "not_found");
		assertProblem(this.mvc.perform(asAdmin(delete("/admin/users/ghost"))), 404, "not_found");
	}

	@Test
	void adminEndpointsWhenUserHasIdentitiesThenNoContent() throws Exception {
		given(this.identities.revokeTokensEverywhere("bob")).willReturn(true);
		given(this.deletions.erase("bob")).willReturn(true);

		this.mvc.perform(asAdmin(post("/admin/users/bob/revoke"))).andExpect(status().isNoContent());
		this.mvc.perform(asAdmin(delete("/admin/users/bob"))).andExpect(status().isNoContent());
		then(this.deletions).should().erase("bob");
	}

	@Test
	void auditWhenAdminsLookUpsSpentThenRateLimitedWithRetryAfterAndTrailUnread() throws Exception {
		willThrow(new ProblemException(ErrorCode.RATE_LIMITED, "Too many look-ups; try again later.",
				Duration.ofSeconds(7), Map.of()))
			.given(this.policy)
			.checkLookupRate(any());

		assertProblem(this.mvc.perform(asAdmin(get("/admin/users/bob/audit"))), 429, "rate_limited")
			.andExpect(header().string("Retry-After", "7"));
		then(this.trails).shouldHaveNoInteractions();
	}

	private static MockHttpServletRequestBuilder asUser(String user, MockHttpServletRequestBuilder request) {
		return request.with(jwt().jwt((token) -> token.subject(user))
			.authorities(new SimpleGrantedAuthority(AppUser.tierAuthority("standard"))));
	}

	private static MockHttpServletRequestBuilder asAdmin(MockHttpServletRequestBuilder request) {
		return request.with(jwt().jwt((token) -> token.subject("root"))
			.authorities(new SimpleGrantedAuthority(AppUser.roleAuthority(AppUser.ADMIN))));
	}

	private static ResultActions assertProblem(ResultActions result, int status, String code) throws Exception {
		return result.andExpect(status().is(status))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value(code));
	}

}
