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
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/**
 * The admin endpoints check the role themselves, not only through the URL rules of the
 * security filter chain: a rule that a later change loosens or reorders must not open
 * them to every signed-in user.
 */
class IdentityControllerTests {

	private final IdentityService identities = mock(IdentityService.class);

	private final IdentityDeletions deletions = mock(IdentityDeletions.class);

	private final IdentityController controller = new IdentityController(this.identities, this.deletions,
			mock(EligibilityPolicy.class), mock(AuditTrail.class));

	@Test
	void adminEndpointsWhenCalledWithoutAdminRoleThenForbiddenAndNothingDone() {
		AppUser alice = new AppUser("alice", Optional.of("standard"), Set.of("OPERATOR"));

		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.controller.revokeAny(alice, "bob"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.controller.eraseAny(alice, "bob"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
		then(this.identities).shouldHaveNoInteractions();
		then(this.deletions).shouldHaveNoInteractions();
	}

	@Test
	void adminEndpointsWhenCalledWithAdminRoleThenDone() {
		AppUser admin = new AppUser("root", Optional.empty(), Set.of("ADMIN"));
		given(this.identities.revokeTokens("bob")).willReturn(true);
		given(this.deletions.erase("bob")).willReturn(true);

		assertThat(this.controller.revokeAny(admin, "bob").getStatusCode().value()).isEqualTo(204);
		assertThat(this.controller.eraseAny(admin, "bob").getStatusCode().value()).isEqualTo(204);
		then(this.identities).should().revokeTokens("bob");
		then(this.deletions).should().erase("bob");
	}

}
