/**
 * A local, faithful stand-in for the Azure Communication Services Identity REST API, so
 * that the service (and other programs, and benchmarks) can run the official SDKs
 * unmodified without an Azure resource.
 * <p>
 * Entry points: {@link org.acstokenservice.emulator.AcsEmulator} (start, connection
 * string, certificate, token check, and for tests: live identities, request counts per
 * {@link org.acstokenservice.emulator.AcsOperation}, and
 * {@link org.acstokenservice.emulator.FaultInjector faults}),
 * {@link org.acstokenservice.emulator.AcsEmulatorSettings},
 * {@link org.acstokenservice.emulator.AcsEmulatorProperties} (the {@code acs.emulator.*}
 * properties, faults included, and a start from them) and
 * {@link org.acstokenservice.emulator.EmulatorApplication} (standalone). Everything else
 * is package-private. The package uses nothing of the rest of the service.
 * <p>
 * Faults ({@link org.acstokenservice.emulator.Fault}: latency, an error status with or
 * without {@code Retry-After}, a dropped connection, a lost answer after the operation)
 * apply only to requests that pass authentication and the api-version check, before the
 * operation runs; latency holds no server thread. Other processes drive them through
 * {@code POST /_emulator/faults} (a JSON fault, e.g.
 * {@code {"fault":"status","status":429,"operation":"issue-token","next":2}}) and
 * {@code DELETE /_emulator/faults}, with {@code Authorization: Bearer <access key>};
 * these paths are the emulator's own and are not ACS's. Request counts include faulted
 * requests and exclude unauthenticated ones. Without faults the emulator answers as
 * described below.
 * <p>
 * Where ACS's exact answer is not documented, the emulator chooses:
 * <ul>
 * <li>missing or unknown {@code api-version}: 400 {@code UnsupportedApiVersion};</li>
 * <li>missing header, bad signature, content hash or date more than 15 minutes off: 401
 * {@code Denied};</li>
 * <li>unknown scope, empty scopes, {@code expiresInMinutes} outside 60..1440, wrong field
 * types: 400 {@code ValidationError}; unparsable JSON: 400 {@code BadRequest};</li>
 * <li>an id that is not {@code 8:acs:<guid>_<suffix>}: 400 {@code ValidationError};
 * another resource's identity: 401 {@code IdentityNotOwned}; an unknown or deleted
 * identity: 404 {@code IdentityNotFound}, for every operation including a second
 * delete;</li>
 * <li>Teams exchange: the Entra token's signature cannot be checked here; a token that is
 * not a JWT or has expired is 401 {@code InvalidAccessToken}, an {@code appid} or
 * {@code oid} claim that differs from {@code appId} or {@code userId} is 400
 * {@code ValidationError}; the ACS token expires with the Teams token;</li>
 * <li>a create with a {@code Repeatability-Request-ID} seen before answers the first
 * result again ({@code Repeatability-Result: accepted}); no rate limits (429) are
 * enforced unless injected as faults.</li>
 * </ul>
 */
package org.acstokenservice.emulator;
