package org.acstokenservice.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.acstokenservice.acs.AcsProperties;
import org.acstokenservice.security.AppUser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClaimResourceAssignmentTests {

	private static final Map<String, String> REGIONS = Map.of("eu", "eu", "us", "default");

	@Test
	void resourceOfWhenNoClaimConfiguredThenEveryUserInDefault() {
		ClaimResourceAssignment assignment = new ClaimResourceAssignment(
				new AcsProperties.Assignment(null, null, null));

		assertThat(assignment.resourceOf(user(Map.of("region", "eu")))).contains("default");
		assertThat(assignment.resourceOf(user(Map.of()))).contains("default");
	}

	@Test
	void resourceOfWhenClaimMappedThenItsResource() {
		ClaimResourceAssignment assignment = new ClaimResourceAssignment(
				new AcsProperties.Assignment("region", REGIONS, null));

		assertThat(assignment.resourceOf(user(Map.of("region", "eu")))).contains("eu");
		assertThat(assignment.resourceOf(user(Map.of("region", "us")))).contains("default");
	}

	@Test
	void resourceOfWhenClaimUnmappedOrMissingThenDefaultResourceOnlyIfConfigured() {
		ClaimResourceAssignment strict = new ClaimResourceAssignment(
				new AcsProperties.Assignment("region", REGIONS, null));
		ClaimResourceAssignment lenient = new ClaimResourceAssignment(
				new AcsProperties.Assignment("region", REGIONS, "eu"));

		assertThat(strict.resourceOf(user(Map.of("region", "mars")))).isEmpty();
		assertThat(strict.resourceOf(user(Map.of()))).isEmpty();
		// A list is no value to look up.
		assertThat(strict.resourceOf(user(Map.of("region", List.of("eu"))))).isEmpty();
		assertThat(lenient.resourceOf(user(Map.of("region", "mars")))).contains("eu");
		assertThat(lenient.resourceOf(user(Map.of()))).contains("eu");
	}

	@Test
	void propertiesWhenResourceNamedDefaultOrBadlyThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AcsProperties(null, null, null, null, null, null,
					Map.of("default", new AcsProperties.Resource("x", null, null, null, null, null)), null))
			.withMessageContaining("acs.*");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AcsProperties(null, null, null, null, null, null,
					Map.of("EU West", new AcsProperties.Resource("x", null, null, null, null, null)), null))
			.withMessageContaining("lower-case");
	}

	private static AppUser user(Map<String, Object> claims) {
		return new AppUser("someone", Optional.empty(), Set.of(), claims);
	}

}
