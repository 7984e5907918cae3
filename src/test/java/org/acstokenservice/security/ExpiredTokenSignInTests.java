package org.acstokenservice.security;

import java.time.Instant;
import java.util.Date;

import org.acstokenservice.testsupport.ServiceClient;
import org.acstokenservice.testsupport.TestJwtIssuer;
import org.acstokenservice.testsupport.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expired tokens are refused but do not count as failed sign-ins: front ends send them
 * all the time, and many users may share an address. Forged ones do count, and once the
 * allowance is spent further forged ones get 429 while valid tokens are still served.
 */
@SignInLimitTest
class ExpiredTokenSignInTests {

	private final TestJwtIssuer issuer = TestJwtIssuer.shared();

	private ServiceClient client;

	@Autowired
	TestUsers users;

	@BeforeEach
	void fromOneAddress(@Autowired ServiceClient client) {
		this.client = client.forwardedFor("192.0.2.20");
	}

	@Test
	void signInWhenTokensExpiredThenRefusedButNotCountedWhenForgedThenCountedAndValidStillServed() {
		String user = this.users.basic();
		String expired = this.issuer.token(user,
				(claims) -> claims.issueTime(Date.from(Instant.now().minusSeconds(900)))
					.expirationTime(Date.from(Instant.now().minusSeconds(300))));
		for (int i = 0; i < 5; i++) {
			assertThat(this.client.postWithToken("/token", expired, null).statusCode()).isEqualTo(401);
		}
		assertThat(this.client.post("/token", user, null).statusCode()).isEqualTo(200);

		for (int i = 0; i < SignInLimitTest.CAPACITY; i++) {
			assertThat(
					this.client.postWithToken("/token", this.issuer.tokenSignedByOtherKey("forger"), null).statusCode())
				.isEqualTo(401);
		}

		assertThat(this.client.postWithToken("/token", this.issuer.tokenSignedByOtherKey("forger"), null).statusCode())
			.isEqualTo(429);
		assertThat(this.client.post("/token", user, null).statusCode()).isEqualTo(200);
	}

}
