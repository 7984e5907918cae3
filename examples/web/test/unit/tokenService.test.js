// The service client and the tokenRefresher without a browser: fetch and the wait are stand-ins.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ServiceProblem,
  TokenServiceClient,
  basicAuthorization,
  createTokenRefresher,
  isEmulatorToken,
  parseRetryAfter,
} from "../../src/tokenService.js";

function answer(status, body, headers = {}) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": type, ...headers },
  });
}

/** A fetch that answers from a list, and records what it was asked. */
function scriptedFetch(...answers) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    const next = answers.shift();
    assert.ok(next, `unexpected request ${init.method} ${url}`);
    return next();
  };
  return { fetch, calls };
}

const issued = { token: "a.b.c", expiresOn: "2026-11-29T10:00:00Z", user: { communicationUserId: "8:acs:x" }, scopes: ["chat"] };

describe("createTokenRefresher", () => {
  it("posts to /token with the sign-in and returns the token string", async () => {
    const { fetch, calls } = scriptedFetch(() => answer(200, issued));
    const client = new TokenServiceClient({ baseUrl: "https://tokens.example.com/", authorization: "Basic YTpi", fetch });
    const seen = [];
    const refresher = createTokenRefresher({ client, body: () => ({ scopes: ["chat"] }), onToken: (t) => seen.push(t) });

    assert.equal(await refresher(), "a.b.c");
    assert.equal(calls[0].url, "https://tokens.example.com/token");
    assert.equal(calls[0].init.method, "POST");
    assert.equal(calls[0].init.headers.Authorization, "Basic YTpi");
    assert.equal(calls[0].init.credentials, "omit");
    assert.deepEqual(JSON.parse(calls[0].init.body), { scopes: ["chat"] });
    assert.deepEqual(seen, [issued]);
  });

  for (const [status, code] of [
    [429, "rate_limited"],
    [503, "acs_unavailable"],
    [503, "service_closed"],
  ]) {
    it(`waits Retry-After on ${code} and asks again`, async () => {
      const { fetch, calls } = scriptedFetch(
        () => answer(status, { status, code, detail: "later" }, { "Retry-After": "7" }),
        () => answer(200, issued),
      );
      const waits = [];
      const told = [];
      const refresher = createTokenRefresher({
        client: new TokenServiceClient({ authorization: "Bearer t", fetch }),
        wait: async (ms) => waits.push(ms),
        onWait: (problem, attempt) => told.push([problem.code, attempt]),
      });

      assert.equal(await refresher(), "a.b.c");
      assert.equal(calls.length, 2);
      assert.deepEqual(waits, [7000]);
      assert.deepEqual(told, [[code, 1]]);
    });
  }

  it("gives up after maxAttempts and throws the last problem", async () => {
    const busy = () => answer(429, { status: 429, code: "rate_limited" }, { "Retry-After": "1" });
    const { fetch, calls } = scriptedFetch(busy, busy, busy);
    const errors = [];
    const refresher = createTokenRefresher({
      client: new TokenServiceClient({ authorization: "Bearer t", fetch }),
      wait: async () => {},
      onError: (e) => errors.push(e),
    });

    await assert.rejects(refresher(), (e) => e instanceof ServiceProblem && e.code === "rate_limited");
    assert.equal(calls.length, 3);
    assert.equal(errors.length, 1);
  });

  it("throws scope_not_allowed at once, with the refused scopes", async () => {
    const { fetch, calls } = scriptedFetch(() =>
      answer(403, { status: 403, code: "scope_not_allowed", scopes: ["voip"], detail: "no voip" }),
    );
    const refresher = createTokenRefresher({ client: new TokenServiceClient({ authorization: "Basic x", fetch }) });

    await assert.rejects(refresher(), (e) => {
      assert.equal(e.code, "scope_not_allowed");
      assert.equal(e.status, 403);
      assert.deepEqual(e.body.scopes, ["voip"]);
      assert.equal(e.retryable, false);
      return true;
    });
    assert.equal(calls.length, 1);
  });

  it("stops waiting when signed out", async () => {
    const { fetch } = scriptedFetch(() => answer(503, { status: 503, code: "service_closed" }, { "Retry-After": "900" }));
    const signOut = new AbortController();
    const refresher = createTokenRefresher({
      client: new TokenServiceClient({ authorization: "Basic x", fetch }),
      signal: signOut.signal,
      onWait: () => signOut.abort(),
    });

    await assert.rejects(refresher(), { name: "AbortError" });
  });
});

describe("TokenServiceClient", () => {
  it("reads a problem that is not JSON as its HTTP status", async () => {
    const { fetch } = scriptedFetch(() => new Response("<html>bad gateway</html>", { status: 502, headers: { "Content-Type": "text/html" } }));

    await assert.rejects(new TokenServiceClient({ authorization: "Basic x", fetch }).identity(), { code: "http_502" });
  });

  it("escapes the app user id of a look-up", async () => {
    const { fetch, calls } = scriptedFetch(() => answer(200, { appUserId: "a/b", communicationUserId: "8:acs:y" }));

    await new TokenServiceClient({ authorization: "Basic x", fetch }).identityOf("a/b");
    assert.equal(calls[0].url, "/users/a%2Fb/identity");
  });

  it("answers null for 204", async () => {
    const { fetch } = scriptedFetch(() => new Response(null, { status: 204 }));

    assert.equal(await new TokenServiceClient({ authorization: "Basic x", fetch }).revokeTokens(), null);
  });
});

describe("helpers", () => {
  it("parses Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-29T10:00:00Z");
    assert.equal(parseRetryAfter("15", now), 15);
    assert.equal(parseRetryAfter("Sun, 29 Nov 2026 10:00:30 GMT", now), 30);
    assert.equal(parseRetryAfter(null, now), null);
    assert.equal(parseRetryAfter("soon", now), null);
  });

  it("encodes demo users as HTTP Basic, also beyond ASCII", () => {
    assert.equal(basicAuthorization("alice", "alice"), "Basic YWxpY2U6YWxpY2U=");
    assert.equal(basicAuthorization("zoë", "pw"), "Basic em/Dqzpwdw==");
  });

  it("tells emulator tokens by their emulatorGeneration claim", () => {
    const jwt = (claims) => `h.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.s`;
    assert.equal(isEmulatorToken(jwt({ skypeid: "acs:x", emulatorGeneration: 0 })), true);
    assert.equal(isEmulatorToken(jwt({ skypeid: "acs:x" })), false);
    assert.equal(isEmulatorToken("garbage"), false);
  });
});
