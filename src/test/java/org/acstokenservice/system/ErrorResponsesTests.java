package org.acstokenservice.system;

import org.acstokenservice.JwtServiceTest;
import org.acstokenservice.ServiceClient;
import org.acstokenservice.TestUsers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.acstokenservice.ProblemAssertions.assertProblem;

/**
 * Errors that no controller answers, from Spring MVC and Spring Security's firewall, are
 * problems like any other.
 */
@JwtServiceTest
class ErrorResponsesTests {

	@Autowired
	ServiceClient client;

	@Autowired
	TestUsers users;

	@Test
	void unknownPathWhenSignedInThenNotFoundProblem() {
		assertProblem(this.client.get("/nothing-here", this.users.basic()), 404, "not_found");
	}

	@Test
	void pathWithEncodedSlashThenBadRequestProblem() {
		assertProblem(this.client.get("/users/a%2Fb/identity", this.users.basic()), 400, "invalid_request");
	}

}
