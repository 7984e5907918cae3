/**
 * A local, faithful stand-in for the Azure Communication Services Identity REST API, so
 * that the service (and other programs, and benchmarks) can run the official SDKs
 * unmodified without an Azure resource.
 * <p>
 * Entry points: {@link org.acstokenservice.emulator.AcsEmulator} (start, connection
 * string, certificate, token check, and for tests: live identities, request counts per
 * {@link org.acstokenservice.emulator.AcsOperation},
 * {@link org.acstokenservice.emulator.FaultInjector faults} and
 * {@link org.acstokenservice.emulator.ResourceLimits limits}),
 * {@link org.acstokenservice.emulator.AcsEmulatorSettings} (with
 * {@link org.acstokenservice.emulator.LimitSettings}),
 * {@link org.acstokenservice.emulator.AcsEmulatorProperties} (the {@code acs.emulator.*}
 * properties, faults and limits included, and a start from them) and
 * {@link org.acstokenservice.emulator.EmulatorApplication} (standalone). Everything else
 * is package-private. The package uses nothing of the rest of the service.
 * <p>
 * Limits: the emulator enforces ACS's Identity limits per resource, on by default in
 * every start (standalone, local mode's embedded emulator, {@code inMemory()} in tests):
 * per 30 seconds, 1000 create identity, 1000 create identity and token, 1000 issue access
 * token, 500 revoke, 500 delete identity, 500 Teams token exchange
 * ({@link org.acstokenservice.emulator.AcsLimit}). Beyond a limit a call gets 429,
 * {@code Retry-After} and {@code {"error":{"code":"TooManyRequests","message":…}}}.
 * {@code acs.emulator.limits.enabled=false} turns them off (a benchmark of the emulator
 * itself wants that); {@code acs.emulator.limits.window} and
 * {@code acs.emulator.limits.<operation>} (e.g. {@code issue-token}) change them. The
 * choices made where ACS documents nothing:
 * <ul>
 * <li>The window slides: a call is admitted when fewer than the limit's calls were
 * admitted in the 30 seconds before it. It is the strictest reading of "per 30 seconds",
 * so an application that stays within it stays within ACS's documented limits, however
 * ACS aligns its windows. {@code Retry-After} is the time until the oldest admitted call
 * leaves the window, in whole seconds rounded up: a caller alone on the resource that
 * waits that long is admitted.</li>
 * <li>Microsoft advises against immediate retries "because all requests accrue against
 * your usage limits": every admitted call counts, whatever its answer (400, 404, an
 * injected fault). A refused call does not, so that {@code Retry-After} stays exact even
 * for a client that keeps calling. Throttling comes after authentication, the api-version
 * check and request counting (a throttled request is counted in
 * {@link org.acstokenservice.emulator.AcsEmulator#requestCounts()}) and before faults and
 * the operation: a throttled call changes no state, and no fault is applied to it or used
 * up by it.</li>
 * <li>"Create identity" and "createUserAndToken" are separate limits although both are
 * {@code POST /identities}: a create whose body has a non-empty
 * {@code createTokenWithScopes} counts against the second only, any other create against
 * the first only.</li>
 * <li>The 429's body and code. ACS's REST specification (Azure/azure-rest-api-specs,
 * {@code specification/communication/data-plane/Identity/stable/2023-10-01/CommunicationIdentity.json})
 * gives every Identity operation only a {@code default} error response,
 * {@code CommunicationErrorResponse} in
 * {@code specification/communication/data-plane/Common/stable/2022-07-13/common.json}
 * ({@code {"error":{"code","message"}}} required, {@code target}, {@code details},
 * {@code innererror} optional); none of the Identity examples there shows a 429, nor do
 * the SDKs' tests and recordings (Azure/azure-sdk-for-java
 * {@code sdk/communication/azure-communication-identity/src/test}, Azure/azure-sdk-for-js
 * {@code sdk/communication/communication-identity/test}). Microsoft Learn's "Service
 * limits for Azure Communication Services" gives the numbers and the status 429, and its
 * "Common Error Codes" page for the ACS REST API describes 429 without a code. So the
 * code {@code TooManyRequests} (the status's name, and the code of the emulator's
 * injected 429 faults) and the message are the emulator's choice, and so is
 * {@code Retry-After}: ACS does not promise one, and both SDKs honour it when it
 * comes.</li>
 * <li>Other applications on the same resource spend its allowance too: a test does so
 * with {@link org.acstokenservice.emulator.ResourceLimits#spend}, another process with
 * {@code POST /_emulator/limits/spend} (e.g.
 * {@code {"operation":"issue-token","calls":900}}); {@code GET /_emulator/limits} reports
 * each limit (calls and 429s in the window and in total, the window's start and end) and
 * {@code DELETE /_emulator/limits} empties the windows, all with the same
 * {@code Authorization: Bearer <access key>} as the faults' endpoints.</li>
 * </ul>
 * <p>
 * Faults ({@link org.acstokenservice.emulator.Fault}: latency, an error status with or
 * without {@code Retry-After}, a dropped connection, a lost answer after the operation)
 * apply only to requests that pass authentication and the api-version check, before the
 * operation runs; latency holds no server thread. Other processes drive them through
 * {@code POST /_emulator/faults} (a JSON fault, e.g.
 * {@code {"fault":"status","status":429,"operation":"issue-token","next":2}}) and
 * {@code DELETE /_emulator/faults}, with {@code Authorization: Bearer <access key>};
 * these paths are the emulator's own and are not ACS's. Request counts include faulted
 * and throttled requests and exclude unauthenticated ones. Without faults, and within the
 * limits, the emulator answers as described below.
 * <p>
 * Where ACS's exact answer is not documented, the emulator chooses:
 * <ul>
 * <li>missing or unknown {@code api-version}: 400 {@code UnsupportedApiVersion};</li>
 * <li>missing header, bad signature, content hash or date more than 15 minutes off: 401
 * {@code Denied};</li>
 * <li>unknown scope, empty scopes, {@code expiresInMinutes} outside 60..1440, wrong field
 * types: 400 {@code ValidationError}; unparsable JSON: 400 {@code BadRequest}; a join
 * scope ({@code chat.join}, {@code chat.join.limited}, {@code voip.join}) under an
 * api-version before 2023-10-01, whose specification lists only {@code chat} and
 * {@code voip}, is an unknown scope;</li>
 * <li>an id that is not {@code 8:acs:<guid>_<suffix>}: 400 {@code ValidationError};
 * another resource's identity: 401 {@code IdentityNotOwned}; an unknown or deleted
 * identity: 404 {@code IdentityNotFound}, for every operation including a second
 * delete;</li>
 * <li>Teams exchange: the Entra token's signature cannot be checked here; a token that is
 * not a JWT or has expired is 401 {@code InvalidAccessToken}, an {@code appid} or
 * {@code oid} claim that differs from {@code appId} or {@code userId} is 400
 * {@code ValidationError}; the ACS token expires with the Teams token;</li>
 * <li>a create with a {@code Repeatability-Request-ID} seen before answers the first
 * result again ({@code Repeatability-Result: accepted}).</li>
 * </ul>
 */
@NullMarked
package org.acstokenservice.emulator;

import org.jspecify.annotations.NullMarked;
