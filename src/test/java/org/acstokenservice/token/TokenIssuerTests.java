package org.acstokenservice.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.acs.AcsGateway;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.acs.AcsScope;
import org.acstokenservice.acs.AcsToken;
import org.acstokenservice.audit.AuditEntry;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.audit.AuditTrails;
import org.acstokenservice.identity.IdentityService;
import org.acstokenservice.identity.IssuedToken;
import org.acstokenservice.identity.UserResources;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.policy.TokenGrant;
import org.acstokenservice.ratelimit.InMemoryBucketStore;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatcher;
import org.mockito.InOrder;

import org.springframework.dao.DataAccessResourceFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * The issuing flow's one rule, with the identities mocked and the real audit trail
 * writing nothing: a token that ACS issued for a request is offered to later requests
 * only once its audit row is committed, and never when the row fails; one handed back
 * again does not wait for its row.
 */
class TokenIssuerTests {

	private static final AppUser ALICE = new AppUser("alice", Optional.of("standard"), Set.of());

	private final EligibilityPolicy policy = mock(EligibilityPolicy.class);

	private final IdentityService identities = mock(IdentityService.class);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AuditTrail audit = AuditTrails.writingNothing(this.meters, new InMemoryBucketStore());

	private final TokenIssuer issuer = new TokenIssuer(this.policy, this.identities,
			new UserResources((user) -> Optional.of(AcsResources.DEFAULT),
					AcsResources.of(Map.of(AcsResources.DEFAULT, mock(AcsGateway.class)))),
			mock(TeamsTokenExchange.class), this.audit, this.meters);

	@BeforeEach
	void standardTierGrantsChat() {
		given(this.policy.tierOf(any())).willReturn("standard");
		given(this.policy.decide(any(), any(), any()))
			.willReturn(new TokenGrant(Set.of(AcsScope.CHAT), Duration.ofMinutes(60)));
	}

	@Test
	void issueWhenAcsIssuedThenOfferedForReuseOnlyAfterItsRowIsCommitted() {
		IssuedToken fresh = token("fresh-token", false);
		given(this.identities.issueToken(any(), any(), any(), any())).willReturn(fresh);

		this.issuer.issue(ALICE, TokenRequest.EMPTY);

		InOrder order = inOrder(this.identities, this.audit);
		order.verify(this.identities).issueToken(eq("alice"), eq(AcsResources.DEFAULT), any(), any());
		order.verify(this.audit).changed(argThat(entryEnding(" fresh")), eq("8:acs:r_alice"));
		order.verify(this.identities).confirm(fresh);
		assertThat(this.meters.get("acs.tokens").tag("outcome", "issued").counter().count()).isEqualTo(1);
	}

	@Test
	void issueWhenItsRowCannotBeCommittedThenFailsAndTokenNeverOffered() {
		given(this.identities.issueToken(any(), any(), any(), any())).willReturn(token("fresh-token", false));
		willThrow(new DataAccessResourceFailureException("The audit trail was not recorded within PT2S"))
			.given(this.audit)
			.changed(any(), any());

		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> this.issuer.issue(ALICE, TokenRequest.EMPTY));
		then(this.identities).should(never()).confirm(any());
	}

	@Test
	void issueWhenHandedBackAgainThenRecordedWithoutWaitingForItsRow() {
		given(this.identities.issueToken(any(), any(), any(), any())).willReturn(token("reused-token", true));

		assertThat(this.issuer.issue(ALICE, TokenRequest.EMPTY).token().token().token()).isEqualTo("reused-token");

		then(this.audit).should().reused(argThat(entryEnding(" reused")), eq("8:acs:r_alice"));
		then(this.audit).should(never()).changed(any(), any());
	}

	@Test
	void issueWhenPolicyRefusesThenRefusalRecordedInTheUsersResourceAndCounted() {
		ProblemException refusal = new ProblemException(ErrorCode.SCOPE_NOT_ALLOWED, "Scope voip is not allowed.");
		given(this.policy.decide(any(), any(), any())).willThrow(refusal);

		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.issuer.issue(ALICE, TokenRequest.EMPTY))
			.isSameAs(refusal);

		then(this.audit).should()
			.refused(argThat((entry) -> AcsResources.DEFAULT.equals(entry.resource())), same(refusal));
		then(this.identities).should(never()).issueToken(any(), any(), any(), any());
		assertThat(this.meters.get("acs.tokens")
			.tag("outcome", "denied")
			.tag("reason", "scope_not_allowed")
			.counter()
			.count()).isEqualTo(1);
	}

	private static ArgumentMatcher<AuditEntry> entryEnding(String suffix) {
		return (entry) -> entry.detail().endsWith(suffix) && AcsResources.DEFAULT.equals(entry.resource());
	}

	private static IssuedToken token(String value, boolean reused) {
		return new IssuedToken("8:acs:r_alice", new AcsToken(value, Instant.now().plusSeconds(3600)), reused, null);
	}

}
