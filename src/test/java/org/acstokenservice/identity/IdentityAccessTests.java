package org.acstokenservice.identity;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acstokenservice.acs.AcsGateway;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.audit.AuditTrails;
import org.acstokenservice.audit.SubjectTrail;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.ratelimit.InMemoryBucketStore;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/**
 * What signed-in users may ask about identities: the admin's requests check the role
 * themselves, whatever the URL rules say; a reverse look-up stays in the caller's
 * resource.
 */
class IdentityAccessTests {

	/**
	 * The security chain keeps {@code /admin/**} to role ADMIN; the role is checked again
	 * here, so that a URL rule that a later change loosens or reorders does not open the
	 * admin's requests to every signed-in user.
	 */
	@Test
	void adminRequestsWhenMadeWithoutAdminRoleThenForbiddenAndNothingTouched() {
		IdentityService identities = mock(IdentityService.class);
		IdentityDeletions deletions = mock(IdentityDeletions.class);
		IdentityAccess access = new IdentityAccess(identities, deletions, mock(EligibilityPolicy.class),
				mock(AuditTrail.class), mock(UserResources.class), mock(SubjectTrail.class));
		AppUser alice = new AppUser("alice", Optional.of("standard"), Set.of("OPERATOR"));

		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> access.revokeAny(alice, "bob"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> access.eraseAny(alice, "bob"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
		then(identities).shouldHaveNoInteractions();
		then(deletions).shouldHaveNoInteractions();
	}

	@Test
	void appUserOfWhenIdentityInAnotherResourceThenNotFoundButForAnAdmin() {
		IdentityService identities = mock(IdentityService.class);
		given(identities.findByCommunicationUserId("8:acs:r_us")).willReturn(
				Optional.of(StoredIdentity.created("ulysses", AcsResources.DEFAULT, "8:acs:r_us", Instant.now())));
		AcsResources acs = AcsResources
			.of(Map.of(AcsResources.DEFAULT, mock(AcsGateway.class), "eu", mock(AcsGateway.class)));
		IdentityAccess access = new IdentityAccess(identities, mock(IdentityDeletions.class),
				mock(EligibilityPolicy.class),
				AuditTrails.writingNothing(new SimpleMeterRegistry(), new InMemoryBucketStore()),
				new UserResources((user) -> Optional.of("eu"), acs), mock(SubjectTrail.class));
		AppUser european = new AppUser("eva", Optional.of("standard"), Set.of());
		AppUser admin = new AppUser("root", Optional.empty(), Set.of(AppUser.ADMIN));

		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> access.appUserOf(european, "8:acs:r_us"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.NOT_FOUND));
		assertThat(access.appUserOf(admin, "8:acs:r_us").appUserId()).isEqualTo("ulysses");
	}

}
