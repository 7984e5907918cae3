// The ACS Token Service as a browser sees it: a small fetch client and the tokenRefresher that
// AzureCommunicationTokenCredential calls. No DOM here, so that node --test can run it.

/** The `code`s that come with Retry-After: wait that long, then ask again. */
export const RETRYABLE_CODES = new Set([
  "rate_limited",
  "service_closed",
  "acs_unavailable",
  "database_unavailable",
  "identity_provider_unavailable",
]);

/** A problem+json answer (RFC 9457) of the service; `code` is the stable member to switch on. */
export class ServiceProblem extends Error {
  constructor(status, body, retryAfterSeconds) {
    super(body?.detail ?? `HTTP ${status}`);
    this.name = "ServiceProblem";
    this.status = status;
    this.code = body?.code ?? `http_${status}`;
    this.body = body ?? {};
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Whether asking again after `retryAfterSeconds` may succeed. */
  get retryable() {
    return this.retryAfterSeconds != null && RETRYABLE_CODES.has(this.code);
  }

  static async from(response, now = Date.now()) {
    let body = null;
    const type = response.headers.get("Content-Type") ?? "";
    if (type.includes("json")) {
      try {
        body = await response.json();
      } catch {
        body = null;
      }
    }
    return new ServiceProblem(response.status, body, parseRetryAfter(response.headers.get("Retry-After"), now));
  }
}

/** Retry-After in seconds: delta-seconds or an HTTP date (RFC 9110); null when absent or unreadable. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null || value.trim() === "") {
    return null;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The Authorization header for a demo user of local mode (HTTP Basic). */
export function basicAuthorization(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return "Basic " + btoa(String.fromCharCode(...bytes));
}

/** The Authorization header for an access token of the app's OpenID Connect provider. */
export function bearerAuthorization(accessToken) {
  return "Bearer " + accessToken.trim();
}

/**
 * The service's HTTP API. `baseUrl` is "" when the page and the service share an origin (the
 * service serves this example, or Vite's dev server proxies to it), else the service's origin,
 * which must then be on its CORS list (token-service.sign-in.cors-allowed-origins).
 */
export class TokenServiceClient {
  constructor({ baseUrl = "", authorization, fetch = globalThis.fetch.bind(globalThis) }) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.authorization = authorization;
    this.fetch = fetch;
  }

  async request(method, path, body, signal) {
    const headers = { Accept: "application/json, application/problem+json", Authorization: this.authorization };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    const response = await this.fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      // The sign-in travels in the Authorization header, never in a cookie.
      credentials: "omit",
      cache: "no-store",
    });
    if (!response.ok) {
      throw await ServiceProblem.from(response);
    }
    return response.status === 204 ? null : response.json();
  }

  /** POST /token: `{token, expiresOn, user: {communicationUserId}, scopes}`. */
  issueToken(request, signal) {
    return this.request("POST", "/token", request, signal);
  }

  /** POST /token/revoke: every token of the caller's ACS identity stops working. */
  revokeTokens() {
    return this.request("POST", "/token/revoke");
  }

  /** GET /identity: the caller's ACS identity. */
  identity() {
    return this.request("GET", "/identity");
  }

  /** DELETE /identity: erases the caller's ACS identity (right to erasure). */
  eraseIdentity() {
    return this.request("DELETE", "/identity");
  }

  /** GET /users/{appUserId}/identity: whom a call to that app user goes to. */
  identityOf(appUserId) {
    return this.request("GET", `/users/${encodeURIComponent(appUserId)}/identity`);
  }
}

/** Waits, or rejects as soon as the signal aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

/**
 * The tokenRefresher for AzureCommunicationTokenCredential: POSTs to /token and returns the token
 * string. On 429 or 503 it waits as long as Retry-After says and asks again, up to `maxAttempts`
 * times; every other problem is thrown at once (asking again would get the same answer).
 *
 * @param {object} options
 * @param {TokenServiceClient} options.client
 * @param {() => object | undefined} [options.body] the body of POST /token, e.g. {scopes: ["chat"]}
 * @param {(issued: object) => void} [options.onToken] sees each whole answer (identity, scopes, expiry)
 * @param {(problem: ServiceProblem, attempt: number) => void} [options.onWait] told before each wait
 * @param {(error: Error) => void} [options.onError] told of the error that the refresher throws
 * @param {AbortSignal} [options.signal] ends waiting, e.g. at sign-out
 */
export function createTokenRefresher({
  client,
  body = () => undefined,
  onToken = () => {},
  onWait = () => {},
  onError = () => {},
  signal,
  maxAttempts = 3,
  wait = sleep,
}) {
  return async (abortSignal) => {
    const signals = [abortSignal, signal].filter(Boolean);
    const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    for (let attempt = 1; ; attempt++) {
      try {
        const issued = await client.issueToken(body(), combined);
        onToken(issued);
        return issued.token;
      } catch (error) {
        if (!(error instanceof ServiceProblem) || !error.retryable || attempt >= maxAttempts) {
          onError(error);
          throw error;
        }
        onWait(error, attempt);
        try {
          await wait(error.retryAfterSeconds * 1000, combined);
        } catch (aborted) {
          onError(aborted);
          throw aborted;
        }
      }
    }
  };
}

/** The claims of a JWT, for display only: the browser cannot and need not check the signature. */
export function jwtClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")))
        .map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0"))
        .join(""),
    );
    return JSON.parse(json);
  } catch {
    return {};
  }
}

/**
 * Whether a token comes from the service's embedded ACS emulator (local mode): its tokens carry
 * an `emulatorGeneration` claim. Real ACS refuses them, so no call can be started with one.
 */
export function isEmulatorToken(token) {
  return Object.hasOwn(jwtClaims(token), "emulatorGeneration");
}

/** A short, harmless way to tell two tokens apart on screen: never show or log a whole token. */
export function fingerprint(token) {
  return "…" + token.slice(-8);
}
