package org.acstokenservice.acs;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.acstokenservice.ratelimit.WindowLimit;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/**
 * Which ACS resource the service talks to, and how. With neither a connection string nor
 * an endpoint the service runs in local mode, whose embedded emulator provides the
 * {@link AcsConnectionDetails} instead.
 *
 * @param connectionString the resource's connection string,
 * {@code endpoint=https://<resource>.communication.azure.com/;accesskey=<key>}; a secret,
 * usually given as {@code ACS_CONNECTION_STRING}
 * @param endpoint the resource's endpoint, used with azure-identity's
 * {@code DefaultAzureCredential} (managed identity) when no connection string is given;
 * usually given as {@code ACS_ENDPOINT}
 * @param trustedCertificate a PEM certificate to trust, alone, for calls to the
 * configured resource: a standalone emulator's, for staging; leave it unset for real ACS
 * @param client time-outs and retries of every ACS call
 * @param circuitBreaker when to stop calling a failing ACS for a while
 * @param budget how many calls the fleet may make to ACS
 * @param resources further ACS resources by name ({@code acs.resources.eu.*}), each with
 * the settings above; a setting a resource leaves out is the one above. The resource of
 * the settings above is named {@value AcsResources#DEFAULT}
 * @param assignment which resource a user's identity lives in
 */
@ConfigurationProperties("acs")
public record AcsProperties(@Nullable String connectionString, @Nullable URI endpoint,
		@Nullable Path trustedCertificate, @DefaultValue Client client, @DefaultValue CircuitBreaker circuitBreaker,
		@DefaultValue Budget budget, Map<String, Resource> resources, @DefaultValue Assignment assignment) {

	/** A resource's name: in URLs of metrics, health and the database. */
	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

	public AcsProperties {
		resources = (resources != null) ? new LinkedHashMap<>(resources) : new LinkedHashMap<>();
		for (String name : resources.keySet()) {
			if (AcsResources.DEFAULT.equals(name)) {
				throw new IllegalArgumentException(
						"acs.resources.default: the default resource is configured with acs.* itself");
			}
			if (!NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("acs.resources." + name
						+ ": a resource's name is 1 to 32 lower-case letters, digits and hyphens");
			}
		}
		// In the order configured: health lists them so.
		resources = Collections.unmodifiableMap(resources);
	}

	/** Whether the settings above name a resource: a connection string or an endpoint. */
	public boolean hasDefaultResource() {
		return StringUtils.hasText(this.connectionString)
				|| (this.endpoint != null && !this.endpoint.toString().isEmpty());
	}

	/** The settings of a resource of {@link #resources()}, filled in from those above. */
	Resource resource(String name) {
		Resource resource = Objects.requireNonNull(this.resources.get(name),
				() -> "acs.resources." + name + " is not set");
		return new Resource(resource.connectionString(), resource.endpoint(), resource.trustedCertificate(),
				(resource.client() != null) ? resource.client() : this.client,
				(resource.circuitBreaker() != null) ? resource.circuitBreaker() : this.circuitBreaker,
				(resource.budget() != null) ? resource.budget() : this.budget);
	}

	@Override
	public String toString() {
		// The connection string holds the access key.
		return "AcsProperties[connectionString=" + (StringUtils.hasText(this.connectionString) ? "******" : "")
				+ ", endpoint=" + this.endpoint + ", trustedCertificate=" + this.trustedCertificate + ", client="
				+ this.client + ", circuitBreaker=" + this.circuitBreaker + ", budget=" + this.budget + ", resources="
				+ this.resources + ", assignment=" + this.assignment + "]";
	}

	/**
	 * Another ACS resource: another data location, or a customer's own. Its limits are
	 * its own, so it has a budget and a circuit breaker of its own.
	 *
	 * @param connectionString its connection string; a secret
	 * @param endpoint its endpoint, reached with a Microsoft Entra ID credential when no
	 * connection string is given
	 * @param trustedCertificate a PEM certificate to trust for calls to it (an emulator)
	 * @param client as {@code acs.client} when left out
	 * @param circuitBreaker as {@code acs.circuit-breaker} when left out
	 * @param budget as {@code acs.budget} when left out: each resource has a budget of
	 * its own of that size
	 */
	public record Resource(@Nullable String connectionString, @Nullable URI endpoint, @Nullable Path trustedCertificate,
			@Nullable Client client, @Nullable CircuitBreaker circuitBreaker, @Nullable Budget budget) {

		@Override
		public String toString() {
			return "Resource[connectionString=" + (StringUtils.hasText(this.connectionString) ? "******" : "")
					+ ", endpoint=" + this.endpoint + ", trustedCertificate=" + this.trustedCertificate + ", client="
					+ this.client + ", circuitBreaker=" + this.circuitBreaker + ", budget=" + this.budget + "]";
		}

	}

	/**
	 * Which resource each user's identity lives in, decided from the validated sign-in on
	 * every request. Without a claim, every user is in {@code default-resource}. With
	 * one, its value picks the resource through {@code resources}; a value that the map
	 * does not name, or no such claim, gives {@code default-resource} when that is set,
	 * and otherwise a 403 {@code resource_not_assigned}: never a resource by accident. An
	 * application's own {@code AcsResourceAssignment} bean replaces all of this.
	 *
	 * @param claim the JWT claim to read, such as {@code tid} (the Microsoft Entra
	 * tenant) or {@code region}
	 * @param resources the claim's values and the resource of each, e.g.
	 * {@code acs.assignment.resources.[contoso-tenant-id]=eu}
	 * @param defaultResource the resource of users whose value the map does not name;
	 * {@value AcsResources#DEFAULT} when no claim is set
	 */
	public record Assignment(@Nullable String claim, Map<String, String> resources, @Nullable String defaultResource) {

		public Assignment {
			resources = (resources != null) ? Map.copyOf(resources) : Map.of();
			if (!StringUtils.hasText(claim)) {
				claim = null;
				if (!StringUtils.hasText(defaultResource)) {
					defaultResource = AcsResources.DEFAULT;
				}
			}
			if (!StringUtils.hasText(defaultResource)) {
				defaultResource = null;
			}
		}

	}

	/**
	 * How the service calls ACS. A user waits at most about
	 * {@code (max-retries + 1) * response-timeout} plus the retry delays.
	 *
	 * @param connectTimeout how long to wait for a connection to ACS
	 * @param responseTimeout how long to wait for ACS to answer one attempt
	 * @param maxRetries how many times a throttled or failed call is retried
	 * @param retryDelay the first delay between retries; it doubles each time
	 * @param maxRetryAfter the longest {@code Retry-After} from ACS that the service
	 * waits out itself; a longer one is passed on to the front end at once
	 */
	public record Client(@DefaultValue("2s") Duration connectTimeout, @DefaultValue("3s") Duration responseTimeout,
			@DefaultValue("2") int maxRetries, @DefaultValue("200ms") Duration retryDelay,
			@DefaultValue("1s") Duration maxRetryAfter) {

		public Client {
			if (maxRetries < 0 || maxRetries > 5) {
				throw new IllegalArgumentException("acs.client.max-retries must be between 0 and 5");
			}
			requirePositive("acs.client.connect-timeout", connectTimeout);
			requirePositive("acs.client.response-timeout", responseTimeout);
			requirePositive("acs.client.retry-delay", retryDelay);
		}

	}

	/**
	 * The circuit breaker in front of ACS: when too many calls fail (throttled, 5xx,
	 * time-out), calls fail fast with 503 for a while, then a few probe whether ACS is
	 * back.
	 *
	 * @param failureRateThreshold the share of failed calls, in percent, that opens it
	 * @param slidingWindowSize how many recent calls the share is taken over
	 * @param minimumNumberOfCalls how many calls it needs before it may open
	 * @param waitInOpenState how long it stays open before probing
	 * @param permittedCallsInHalfOpenState how many probe calls decide whether it closes
	 */
	public record CircuitBreaker(@DefaultValue("50") float failureRateThreshold,
			@DefaultValue("20") int slidingWindowSize, @DefaultValue("10") int minimumNumberOfCalls,
			@DefaultValue("15s") Duration waitInOpenState, @DefaultValue("2") int permittedCallsInHalfOpenState) {

		public CircuitBreaker {
			if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
				throw new IllegalArgumentException("acs.circuit-breaker.failure-rate-threshold must be in (0, 100]");
			}
			if (slidingWindowSize < 1 || minimumNumberOfCalls < 1 || permittedCallsInHalfOpenState < 1) {
				throw new IllegalArgumentException("acs.circuit-breaker sizes and counts must be at least 1");
			}
			requirePositive("acs.circuit-breaker.wait-in-open-state", waitInOpenState);
		}

	}

	/**
	 * How many calls all instances together make to ACS, every attempt counted, so that a
	 * burst (new users, a mass revocation after an incident, a mass erasure) never runs
	 * into the resource's own limits, which would throttle every instance at once and
	 * every other application on the resource. ACS limits each operation per resource and
	 * per 30 seconds; the fleet keeps to ACS's arithmetic: in any window of
	 * {@code period}, at most the operation's limit less {@code reserved-percent} of it.
	 * On PostgreSQL the fleet shares each window; on H2 (local mode) they are this
	 * instance's. Spent, calls that need ACS get 503 with {@code Retry-After} (when the
	 * window admits a call again) while reused tokens are still handed out.
	 *
	 * @param enabled whether the budget applies
	 * @param period ACS's window: how far back a call counts against its limit
	 * @param reservedPercent of each limit, the percentage left to other applications on
	 * the same ACS resource (and to calls whose time on the wire moves them into another
	 * window): 10 keeps the fleet to 900 issues and 450 revocations per 30 s
	 * @param limits ACS's limits per window, by operation: ACS's published numbers unless
	 * ACS changes them
	 * @param calls a cap on all operations together per window, for the whole fleet, on
	 * top of the per-operation limits; none unless set
	 */
	public record Budget(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration period,
			@DefaultValue("10") int reservedPercent, @DefaultValue Limits limits, @Nullable Integer calls) {

		public Budget {
			requirePositive("acs.budget.period", period);
			if (reservedPercent < 0 || reservedPercent > 90) {
				throw new IllegalArgumentException("acs.budget.reserved-percent must be between 0 and 90");
			}
			if (calls != null && (calls < 1 || calls > WindowLimit.MAX_CALLS)) {
				throw new IllegalArgumentException("acs.budget.calls must be between 1 and " + WindowLimit.MAX_CALLS);
			}
		}

		/**
		 * What the fleet may send of one operation per window: the limit less the
		 * reserve.
		 */
		int allowance(AcsLimitedOperation operation) {
			return Math.max(1, (int) ((long) this.limits.of(operation) * (100 - this.reservedPercent) / 100));
		}

	}

	/**
	 * ACS's limits per resource and per window (30 seconds), as its service-limits page
	 * lists them.
	 *
	 * @param createIdentity {@code POST /identities} without a token: 1000
	 * @param createIdentityAndToken {@code POST /identities} that also issues a token
	 * (every first token): 1000
	 * @param issueToken a token for an existing identity: 1000
	 * @param revoke a revocation of an identity's tokens: 500
	 * @param delete a deletion of an identity (erasures): 500
	 * @param teamsExchange a Teams user's token exchanged: 500
	 */
	public record Limits(@DefaultValue("1000") int createIdentity, @DefaultValue("1000") int createIdentityAndToken,
			@DefaultValue("1000") int issueToken, @DefaultValue("500") int revoke, @DefaultValue("500") int delete,
			@DefaultValue("500") int teamsExchange) {

		public Limits {
			for (int limit : new int[] { createIdentity, createIdentityAndToken, issueToken, revoke, delete,
					teamsExchange }) {
				if (limit < 1 || limit > WindowLimit.MAX_CALLS) {
					throw new IllegalArgumentException(
							"acs.budget.limits.* must be between 1 and " + WindowLimit.MAX_CALLS + ", not " + limit);
				}
			}
		}

		int of(AcsLimitedOperation operation) {
			return switch (operation) {
				case CREATE_IDENTITY -> this.createIdentity;
				case CREATE_IDENTITY_AND_TOKEN -> this.createIdentityAndToken;
				case ISSUE_TOKEN -> this.issueToken;
				case REVOKE -> this.revoke;
				case DELETE -> this.delete;
				case TEAMS_EXCHANGE -> this.teamsExchange;
				case OTHER -> Math.min(Math.min(this.revoke, this.delete), Math.min(this.teamsExchange,
						Math.min(this.issueToken, Math.min(this.createIdentity, this.createIdentityAndToken))));
			};
		}

	}

	private static void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive");
		}
	}

}
