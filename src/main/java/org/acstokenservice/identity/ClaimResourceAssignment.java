package org.acstokenservice.identity;

import java.util.Objects;
import java.util.Optional;

import org.acstokenservice.acs.AcsProperties;
import org.acstokenservice.security.AppUser;

/**
 * The assignment that {@code acs.assignment.*} configures: a claim's value picks the
 * resource through a map, with a default for values the map does not name; without a
 * claim, every user is in the default resource.
 */
public class ClaimResourceAssignment implements AcsResourceAssignment {

	private final AcsProperties.Assignment settings;

	public ClaimResourceAssignment(AcsProperties.Assignment settings) {
		this.settings = settings;
	}

	@Override
	public Optional<String> resourceOf(AppUser user) {
		if (this.settings.claim() == null) {
			return Optional.of(Objects.requireNonNull(this.settings.defaultResource(),
					"without a claim, acs.assignment.default-resource is set"));
		}
		return user.claim(this.settings.claim())
			.map(this.settings.resources()::get)
			.or(() -> Optional.ofNullable(this.settings.defaultResource()));
	}

}
