package org.acstokenservice.identity;

import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;

import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.acstokenservice.acs.AcsProperties;
import org.acstokenservice.acs.AcsResources;
import org.acstokenservice.fleet.ChangeFeed;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ TokenReuseProperties.class, IdentityProperties.class })
class IdentityConfiguration {

	@Bean
	ReusableTokens reusableTokens(TokenReuseProperties reuse, MeterRegistry meters) {
		return new ReusableTokens(reuse.enabled(), reuse.maxEntries(), meters);
	}

	@Bean
	IdentityCache identityCache(JdbcIdentityStore store, ChangeFeed changes, AcsResources resources,
			TokenReuseProperties reuse, MeterRegistry meters) {
		return new IdentityCache(store, changes, resources.names(), reuse.maxEntries(), meters);
	}

	/**
	 * The users' resources: as the application's own {@link AcsResourceAssignment} bean
	 * decides, else as {@code acs.assignment.*} says, every resource it names configured.
	 */
	@Bean
	UserResources userResources(ObjectProvider<AcsResourceAssignment> own, AcsProperties properties,
			AcsResources resources) {
		AcsResourceAssignment assignment = own.getIfUnique(() -> claimAssignment(properties.assignment(), resources));
		return new UserResources(assignment, resources);
	}

	private static AcsResourceAssignment claimAssignment(AcsProperties.Assignment assignment, AcsResources resources) {
		Set<String> named = new TreeSet<>(assignment.resources().values());
		if (assignment.defaultResource() != null) {
			named.add(assignment.defaultResource());
		}
		named.removeAll(resources.names());
		if (!named.isEmpty()) {
			throw new IllegalStateException(
					"acs.assignment names ACS resources that are not configured: " + named + "; configured: "
							+ resources.names() + " (acs.* is \"default\", acs.resources.<name> the others)");
		}
		return new ClaimResourceAssignment(assignment);
	}

	@Bean
	IdentityDeletions identityDeletions(JdbcIdentityStore store, IdentityCache cache, AcsResources acs,
			ReusableTokens reusable, MeterRegistry meters) {
		return new IdentityDeletions(store, cache, acs, reusable, meters);
	}

	@Bean
	IdentityService identityService(JdbcIdentityStore store, IdentityCache cache, AcsResources acs,
			ReusableTokens reusable, IdentityDeletions deletions, MeterRegistry meters, Clock clock) {
		return new IdentityService(store, cache, acs, reusable, deletions, clock, meters);
	}

	@Bean
	DeletionBacklog deletionBacklog(JdbcIdentityStore store, MeterRegistry meters) {
		return new DeletionBacklog(store, meters);
	}

	@Bean
	PendingDeletions pendingDeletions(IdentityDeletions deletions) {
		return new PendingDeletions(deletions);
	}

	/**
	 * Finishes erasures that ACS did not confirm at the time: a round runs on one
	 * instance of the fleet at a time. A round that another instance starts later finds
	 * nothing due, since each deletion is claimed in the database and given its backoff
	 * (see {@link IdentityDeletions#retryPendingDeletions}); so a deletion is tried once
	 * per round whatever the number of instances.
	 */
	static class PendingDeletions {

		private final IdentityDeletions deletions;

		PendingDeletions(IdentityDeletions deletions) {
			this.deletions = deletions;
		}

		@Scheduled(initialDelayString = "${token-service.identity.deletion-retry-interval:30s}",
				fixedDelayString = "${token-service.identity.deletion-retry-interval:30s}")
		@SchedulerLock(name = "pending-acs-deletions")
		public void retry() {
			this.deletions.retryPendingDeletions();
		}

	}

}
