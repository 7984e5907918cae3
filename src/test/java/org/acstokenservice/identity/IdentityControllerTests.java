package org.acstokenservice.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.acstokenservice.testsupport.WebSliceTest;
import org.acstokenservice.acs.AcsFailures;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.audit.SubjectTrail;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP contract of the identity endpoints: the caller's identity, erasure and
 * look-ups, with the service's real security chain and problem bodies and everything
 * behind the controller mocked.
 */
@WebSliceTest
class IdentityControllerTests {

	private static final StoredIdentity ALICE = new StoredIdentity("alice", "8:acs:r_alice",
			Instant.parse("2026-11-29T10:00:00Z"), null);

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
	void identityWhenStoredThenItsIdsAndCreationTime() throws Exception {
		given(this.identities.find("alice", AcsResources.DEFAULT)).willReturn(Optional.of(ALICE));

		this.mvc.perform(as("alice", get("/identity")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.appUserId").value("alice"))
			.andExpect(jsonPath("$.communicationUserId").value("8:acs:r_alice"))
			.andExpect(jsonPath("$.createdAt").value("2026-11-29T10:00:00Z"));
	}

	@Test
	void identityWhenNoneYetThenNotFoundProblem() throws Exception {
		given(this.identities.find("bob", AcsResources.DEFAULT)).willReturn(Optional.empty());

		assertProblem(this.mvc.perform(as("bob", get("/identity"))), 404, "not_found");
	}

	@Test
	void eraseWhenSignedInThenCallersIdentityErasedAndNoContent() throws Exception {
		this.mvc.perform(as("alice", delete("/identity"))).andExpect(status().isNoContent());

		then(this.deletions).should().erase("alice");
	}

	@Test
	void eraseWhenAcsFailsThenUnavailableWithRetryAfter() throws Exception {
		willThrow(AcsFailures.unavailable(Duration.ofSeconds(7))).given(this.deletions).erase("alice");

		assertProblem(this.mvc.perform(as("alice", delete("/identity"))), 503, "acs_unavailable")
			.andExpect(header().string("Retry-After", "7"));
	}

	@Test
	void lookUpWhenPolicyRefusesThenForbiddenAndNothingLookedUp() throws Exception {
		willThrow(new ProblemException(ErrorCode.FORBIDDEN, "Looking up other users is not open to you."))
			.given(this.policy)
			.checkLookup(any());

		assertProblem(this.mvc.perform(as("alice", get("/users/bob/identity"))), 403, "forbidden");
		assertProblem(this.mvc.perform(as("alice", get("/identities/8:acs:r_bob"))), 403, "forbidden");
		then(this.identities).shouldHaveNoInteractions();
	}

	@Test
	void auditWhenLookUpsSpentThenRateLimitedWithRetryAfterAndTrailUnread() throws Exception {
		willThrow(new ProblemException(ErrorCode.RATE_LIMITED, "Too many look-ups; try again later.",
				Duration.ofSeconds(7), Map.of()))
			.given(this.policy)
			.checkLookupRate(any());

		assertProblem(this.mvc.perform(as("alice", get("/identity/audit"))), 429, "rate_limited")
			.andExpect(header().string("Retry-After", "7"));
		then(this.trails).shouldHaveNoInteractions();
	}

	@Test
	void reverseLookUpWhenKnownThenAppUser() throws Exception {
		given(this.identities.findByCommunicationUserId("8:acs:r_alice")).willReturn(Optional.of(ALICE));

		this.mvc.perform(as("bob", get("/identities/8:acs:r_alice")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.appUserId").value("alice"));
	}

	private static MockHttpServletRequestBuilder as(String user, MockHttpServletRequestBuilder request) {
		return request.with(jwt().jwt((token) -> token.subject(user))
			.authorities(new SimpleGrantedAuthority(AppUser.tierAuthority("standard"))));
	}

	private static ResultActions assertProblem(ResultActions result, int status, String code) throws Exception {
		return result.andExpect(status().is(status))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value(code));
	}

}
