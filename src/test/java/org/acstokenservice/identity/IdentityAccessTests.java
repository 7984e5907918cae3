package org.acstokenservice.identity;

import java.util.Optional;
import java.util.Set;

import org.acstokenservice.audit.AuditTrail;
import org.acstokenservice.policy.EligibilityPolicy;
import org.acstokenservice.security.AppUser;
import org.acstokenservice.web.ErrorCode;
import org.acstokenservice.web.ProblemException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/** The admin's requests check the role themselves, whatever the URL rules say. */
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
				mock(AuditTrail.class), mock(UserResources.class));
		AppUser alice = new AppUser("alice", Optional.of("standard"), Set.of("OPERATOR"));

		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> access.revokeAny(alice, "bob"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> access.eraseAny(alice, "bob"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
		then(identities).shouldHaveNoInteractions();
		then(deletions).shouldHaveNoInteractions();
	}

}
