// The page: signs in, keeps one AzureCommunicationTokenCredential per signed-in user, shows what
// the service answered. Everything lives in the variables below, in memory: no localStorage,
// sessionStorage or cookie ever holds a token or a password.
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import {
  ServiceProblem,
  TokenServiceClient,
  basicAuthorization,
  bearerAuthorization,
  createTokenRefresher,
  fingerprint,
  isEmulatorToken,
} from "./tokenService.js";

const $ = (id) => document.getElementById(id);

/**
 * The signed-in user: { client, label, scopes, controller, credential, current, tokenCount,
 * identity, callee, callAgent, call }, or null.
 */
let session = null;

// ?service=https://tokens.example.com fills in the service URL (for a separately hosted page).
$("service-url").value = new URLSearchParams(location.search).get("service") ?? "";

for (const radio of document.querySelectorAll('input[name="method"]')) {
  radio.addEventListener("change", () => {
    const bearer = document.querySelector('input[name="method"]:checked').value === "bearer";
    $("basic-fields").hidden = bearer;
    $("bearer-fields").hidden = !bearer;
  });
}

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  run(signIn);
});
$("sign-out-button").addEventListener("click", () => run(signOut));
$("refresh-button").addEventListener("click", () => run(() => replaceCredential("refresh button")));
$("revoke-button").addEventListener("click", () => run(revoke));
$("erase-button").addEventListener("click", () => run(erase));
$("lookup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  run(lookUp);
});
$("call-button").addEventListener("click", () => run(startCall));
$("hang-up-button").addEventListener("click", () => run(hangUp));

/** Failures that the refresher has shown already (onError). */
const shown = new WeakSet();

// The credential's own timer calls the refresher without awaiting it: a failure that the page
// has shown already need not be reported again as an unhandled rejection.
window.addEventListener("unhandledrejection", (event) => {
  const reason = event.reason;
  if ((reason instanceof Error && shown.has(reason)) || reason?.name === "AbortError") {
    event.preventDefault();
  }
});

setInterval(renderCountdown, 1000);
render();

async function signIn() {
  await signOut();
  const form = new FormData($("sign-in-form"));
  const bearer = form.get("method") === "bearer";
  if (bearer && !form.get("bearer").trim()) {
    throw new Error("Paste an access token first.");
  }
  const authorization = bearer
    ? bearerAuthorization(form.get("bearer"))
    : basicAuthorization(form.get("user"), form.get("password"));
  const scopes = form.getAll("scope");
  session = {
    client: new TokenServiceClient({ baseUrl: form.get("serviceUrl").trim(), authorization }),
    label: bearer ? "(bearer token)" : form.get("user"),
    scopes: scopes.length > 0 ? scopes : undefined,
    controller: new AbortController(),
    tokenCount: 0,
  };
  log(`signing in as ${session.label}, asking for ${scopes.length > 0 ? scopes.join(", ") : "the tier's default scopes"}`);
  render();
  await replaceCredential("sign-in");
  session.identity = await session.client.identity();
  log(`GET /identity: ${session.identity.appUserId} is ${session.identity.communicationUserId}`);
  render();
}

/**
 * A new credential, and at once its first token. The credential refreshes by itself from then
 * on (refreshProactively): 10 minutes before expiry, then at half of what is left.
 */
async function replaceCredential(reason) {
  const current = session;
  current.credential?.dispose();
  let first = true;
  const tokenRefresher = createTokenRefresher({
    client: current.client,
    body: () => (current.scopes ? { scopes: current.scopes } : undefined),
    signal: current.controller.signal,
    onToken: (issued) => {
      current.tokenCount++;
      current.current = issued;
      const why = first ? reason : "refreshed by the credential before expiry";
      first = false;
      log(`token #${current.tokenCount} ${fingerprint(issued.token)} issued (${why}), expires ${issued.expiresOn}`);
      clearProblem();
      render();
    },
    onWait: (problem, attempt) => {
      showProblem(problem, `The refresher waits ${problem.retryAfterSeconds} s (Retry-After), then asks again (attempt ${attempt + 1} of 3).`);
      log(`${problem.code}: waiting ${problem.retryAfterSeconds} s before asking again`);
    },
    onError: (error) => {
      if (error?.name !== "AbortError") {
        shown.add(error);
        showProblem(error);
        log(`token request failed: ${error.code ?? error.message}`);
      }
    },
  });
  // The ~ten lines that matter: the SDK calls tokenRefresher whenever it needs a token.
  current.credential = new AzureCommunicationTokenCredential({ tokenRefresher, refreshProactively: true });
  await current.credential.getToken();
}

async function revoke() {
  await session.client.revokeTokens();
  log("POST /token/revoke: every token of this ACS identity is revoked");
  // A revoked token fails at ACS; the service never hands it back again, so ask for a new one.
  await replaceCredential("after revocation");
}

async function erase() {
  await session.client.eraseIdentity();
  session.credential?.dispose();
  session.credential = null;
  session.current = null;
  session.identity = null;
  log("DELETE /identity: the ACS identity is erased; the next token creates a new one");
  render();
}

async function lookUp() {
  const appUserId = $("callee").value.trim();
  session.callee = null;
  render();
  session.callee = await session.client.identityOf(appUserId);
  log(`GET /users/${appUserId}/identity: ${session.callee.communicationUserId}`);
  render();
}

async function startCall() {
  const token = session.current?.token;
  if (!token) {
    throw new Error("Get a token first.");
  }
  if (isEmulatorToken(token)) {
    $("call-status").textContent =
      "No call: this token comes from the service's embedded ACS emulator (local mode), and real ACS refuses " +
      "emulator tokens. Start the service with a real ACS resource (ACS_CONNECTION_STRING) to call.";
    log("call not started: emulator token");
    return;
  }
  if (!session.current.scopes.includes("voip")) {
    throw new Error("Calling needs the voip scope: sign in again and tick voip.");
  }
  $("call-status").textContent = "Loading the calling library…";
  // Loaded only now: the calling SDK is several megabytes that most visits never need.
  const { CallClient } = await import("@azure/communication-calling");
  session.callAgent ??= await new CallClient().createCallAgent(session.credential, {
    displayName: session.identity?.appUserId ?? session.label,
  });
  const call = session.callAgent.startCall([{ communicationUserId: session.callee.communicationUserId }]);
  session.call = call;
  call.on("stateChanged", () => {
    $("call-status").textContent = `Call ${call.state}`;
    log(`call ${call.state}`);
  });
  $("call-status").textContent = `Call ${call.state}`;
  render();
}

async function hangUp() {
  await session.call?.hangUp();
  session.call = null;
  render();
}

async function signOut() {
  if (!session) {
    return;
  }
  const ending = session;
  session = null;
  ending.controller.abort();
  await ending.call?.hangUp().catch(() => {});
  await ending.callAgent?.dispose();
  ending.credential?.dispose();
  log(`signed out ${ending.label}: the page forgot its tokens`);
  clearProblem();
  $("call-status").textContent = "";
  render();
}

/** Runs a button's action; any failure is shown, none is lost in the console. */
async function run(action) {
  try {
    await action();
  } catch (error) {
    if (error?.name !== "AbortError") {
      showProblem(error);
    }
    render();
  }
}

function showProblem(error, waiting) {
  $("problem").hidden = false;
  if (error instanceof ServiceProblem) {
    $("problem-code").textContent = error.code;
    $("problem-status").textContent = `HTTP ${error.status}`;
    $("problem-detail").textContent = error.body.detail ?? "";
    $("problem-advice").textContent = waiting ?? advice(error);
  } else {
    $("problem-code").textContent = "network_or_page_error";
    $("problem-status").textContent = "";
    $("problem-detail").textContent = String(error?.message ?? error);
    $("problem-advice").textContent =
      error instanceof TypeError
        ? "The service could not be reached. A CORS refusal looks the same to a page: is this page's origin " +
          "listed in the service's token-service.sign-in.cors-allowed-origins?"
        : "";
  }
}

/** What a front end does with each code of the HTTP contract that it should expect. */
function advice(problem) {
  const wait = problem.retryAfterSeconds != null ? ` Retry-After: ${problem.retryAfterSeconds} s.` : "";
  switch (problem.code) {
    case "scope_not_allowed":
      return `Your tier does not allow ${(problem.body.scopes ?? []).join(", ")}: ask for fewer scopes. The service refuses rather than dropping a scope silently.`;
    case "rate_limited":
      return `Too many requests: the refresher waited and asked again, and gave up.${wait}`;
    case "acs_unavailable":
      return `Azure Communication Services is unavailable or throttling.${wait}`;
    case "service_closed":
      return `The operator closed the service, or it is outside its opening hours.${wait}`;
    case "unauthorized":
      return "The sign-in was refused: wrong user or password, or an expired or foreign bearer token.";
    case "not_eligible":
      return `The policy refused this user (${problem.body.reason ?? "no reason given"}).`;
    case "not_found":
      return "Nothing there: a user gets an ACS identity with their first token.";
    case "acs_rejected":
      return "ACS refused the request: a fault to report, not to retry.";
    default:
      return wait.trim();
  }
}

function clearProblem() {
  $("problem").hidden = true;
}

function render() {
  const signedIn = session !== null;
  const current = session?.current;
  $("sign-out-button").disabled = !signedIn;
  $("refresh-button").disabled = !signedIn;
  $("revoke-button").disabled = !signedIn;
  $("erase-button").disabled = !signedIn;
  $("lookup-button").disabled = !signedIn;
  $("call-button").disabled = !signedIn || !session.callee || Boolean(session.call);
  $("hang-up-button").hidden = !session?.call;
  $("app-user").textContent = session?.identity?.appUserId ?? session?.label ?? "—";
  $("acs-identity").textContent = current?.user.communicationUserId ?? session?.identity?.communicationUserId ?? "—";
  $("scopes").textContent = current ? current.scopes.join(", ") : "—";
  $("token-number").textContent = current ? `#${session.tokenCount}` : "—";
  $("token-fingerprint").textContent = current ? fingerprint(current.token) : "";
  const emulator = current ? isEmulatorToken(current.token) : false;
  $("token-issuer").textContent = current
    ? emulator
      ? "the service's ACS emulator (local mode): real ACS refuses this token"
      : "Azure Communication Services"
    : "—";
  $("token-issuer").className = emulator ? "emulator" : "";
  $("expires-on").textContent = current ? new Date(current.expiresOn).toISOString() : "—";
  $("callee-identity").textContent = session?.callee
    ? `A call to ${session.callee.appUserId} goes to ${session.callee.communicationUserId}`
    : "";
  renderCountdown();
}

function renderCountdown() {
  const current = session?.current;
  if (!current) {
    $("countdown").textContent = "—";
    return;
  }
  const seconds = Math.round((Date.parse(current.expiresOn) - Date.now()) / 1000);
  if (seconds <= 0) {
    $("countdown").textContent = "expired";
    return;
  }
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  $("countdown").textContent = `expires in ${hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}` : minutes}:${rest}`;
}

function log(message) {
  const item = document.createElement("li");
  item.textContent = `${new Date().toISOString().slice(11, 19)} ${message}`;
  $("event-log").prepend(item);
}
