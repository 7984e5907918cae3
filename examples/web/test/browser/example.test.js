// The example in a real browser (Debian's chromium, driven by playwright-core) against the
// service in local mode. Run by scripts/browser-check.sh, which starts the service and sets:
//   EXAMPLE_URL     the example's address, e.g. http://127.0.0.1:41234/example/
//   FRONT_END_PORT  a port on the service's CORS list (token-service.sign-in.cors-allowed-origins), where this
//                   test serves the built example itself, as a separately hosted front end
//   SCREENSHOT_DIR  where the screenshots go (target/browser-check)
//   CHROMIUM        the browser (default /usr/bin/chromium)
// The service runs with token-service.tokens.reuse.enabled=false, so that every refresh brings a new token.
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";

const exampleUrl = process.env.EXAMPLE_URL;
const screenshots = process.env.SCREENSHOT_DIR ?? "target/browser-check";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const frontEndPort = Number(process.env.FRONT_END_PORT);
assert.ok(exampleUrl, "EXAMPLE_URL is not set: run scripts/browser-check.sh");
assert.ok(frontEndPort > 0, "FRONT_END_PORT is not set: run scripts/browser-check.sh");
const serviceOrigin = new URL(exampleUrl).origin;

// How long the page may take to show what the service answered.
const timeout = 30_000;

let browser;
let page;
let frontEnd;
const pageErrors = [];

/** Serves the built example (dist/) as any static host would: another origin than the service's. */
function serveExample(port) {
  const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, "http://host").pathname;
    const file = normalize(join(dist, path.endsWith("/") ? `${path}index.html` : path));
    try {
      assert.ok(file.startsWith(dist));
      const body = await readFile(file);
      response.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

before(async () => {
  await mkdir(screenshots, { recursive: true });
  frontEnd = await serveExample(frontEndPort);
  browser = await chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
  page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on("pageerror", (error) => pageErrors.push(error));
  // A movable clock: the page's Date and timers, which the credential's proactive refresh uses.
  await page.clock.install();
  await page.goto(exampleUrl);
});

after(async () => {
  await browser?.close();
  frontEnd?.close();
});

const text = (testId) => page.getByTestId(testId).textContent();
const shot = (name) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

async function signIn(user, scopes = [], tab = page) {
  if (!(await tab.locator("#sign-out-button").isDisabled())) {
    await tab.click("#sign-out-button");
  }
  await tab.fill("#user", user);
  await tab.fill("#password", user);
  for (const box of await tab.locator('input[name="scope"]').all()) {
    await box.setChecked(scopes.includes(await box.getAttribute("value")));
  }
  await tab.click("#sign-in-button");
}

async function waitForToken(number) {
  await page.getByTestId("token-number").filter({ hasText: `#${number}` }).waitFor();
  return { fingerprint: await text("token-fingerprint"), expiresOn: Date.parse(await text("expires-on")) };
}

let alice;
let first;
let proactive;

test("alice signs in and sees her ACS identity, her scopes and a token with its expiry", async () => {
  await signIn("alice");

  first = await waitForToken(1);
  await page.getByTestId("app-user").filter({ hasText: "alice" }).waitFor();
  alice = await text("acs-identity");
  assert.match(alice, /^8:acs:[0-9a-f-]+_[0-9a-f-]+$/);
  assert.equal(await text("scopes"), "chat, voip");
  const minutes = (first.expiresOn - (await page.evaluate(() => Date.now()))) / 60_000;
  assert.ok(minutes > 58 && minutes <= 60, `expires in ${minutes} minutes`);
  await page.getByTestId("countdown").filter({ hasText: /^expires in 5\d:\d\d$/ }).waitFor();
  assert.match(await text("token-issuer"), /emulator/);
  assert.equal(await page.getByTestId("problem").isHidden(), true);
  await shot("01-alice-signed-in");
});

test("the credential refreshes the token by itself before it expires", async () => {
  // The credential asks for a new token 10 minutes before expiry: jump to just past that point.
  await page.clock.fastForward("50:30");

  proactive = await waitForToken(2);
  assert.notEqual(proactive.fingerprint, first.fingerprint);
  // The page's clock moved 50 minutes, the service's did not: both tokens may expire in the same
  // second, so the new token is told by its fingerprint and by not expiring earlier.
  assert.ok(proactive.expiresOn >= first.expiresOn, "the new token expires no earlier");
  assert.match(await text("event-log"), /token #2 \S+ issued \(refreshed by the credential before expiry\)/);
  await shot("02-proactive-refresh");
});

test("revoking the tokens brings a new token for the same identity", async () => {
  await page.click("#revoke-button");

  const revoked = await waitForToken(3);
  assert.notEqual(revoked.fingerprint, proactive.fingerprint);
  assert.equal(await text("acs-identity"), alice);
  assert.match(await text("event-log"), /POST \/token\/revoke/);
  assert.match(await text("event-log"), /token #3 \S+ issued \(after revocation\)/);
  await shot("03-revoked-and-reissued");
});

test("on rate_limited and acs_unavailable the refresher waits Retry-After and asks again", async () => {
  const answers = [
    { status: 429, code: "rate_limited", title: "Too many requests" },
    { status: 503, code: "acs_unavailable", title: "Azure Communication Services unavailable" },
  ];
  // The service's own answers, shaped as it shapes them; then the real service again.
  await page.route("**/token", async (route) => {
    const next = answers.shift();
    if (route.request().method() !== "POST" || !next) {
      await route.fallback();
      return;
    }
    await route.fulfill({
      status: next.status,
      headers: { "Content-Type": "application/problem+json", "Retry-After": "2" },
      body: JSON.stringify({ type: `urn:acs-token-service:problem:${next.code}`, ...next, detail: "Try again later." }),
    });
  });
  await page.click("#refresh-button");

  await page.getByTestId("problem-code").filter({ hasText: "rate_limited" }).waitFor();
  assert.match(await text("problem-advice"), /waits 2 s \(Retry-After\), then asks again \(attempt 2 of 3\)/);
  await shot("04-rate-limited-waiting");
  await page.getByTestId("problem-code").filter({ hasText: "acs_unavailable" }).waitFor();
  await waitForToken(4);
  assert.equal(await page.getByTestId("problem").isHidden(), true);
  assert.match(await text("event-log"), /rate_limited: waiting 2 s/);
  assert.match(await text("event-log"), /acs_unavailable: waiting 2 s/);
  await page.unrouteAll();
});

test("on service_closed the refresher waits the long Retry-After, and signing out ends the wait", async () => {
  let asked = 0;
  await page.route("**/token", async (route) => {
    asked++;
    await route.fulfill({
      status: 503,
      headers: { "Content-Type": "application/problem+json", "Retry-After": "900" },
      body: JSON.stringify({ type: "urn:acs-token-service:problem:service_closed", title: "Service closed", status: 503, code: "service_closed", detail: "The service is not issuing tokens now." }),
    });
  });
  await page.click("#refresh-button");

  await page.getByTestId("problem-code").filter({ hasText: "service_closed" }).waitFor();
  assert.match(await text("problem-advice"), /waits 900 s \(Retry-After\)/);
  await shot("05-service-closed-waiting");
  await page.click("#sign-out-button");
  await page.getByTestId("event-log").filter({ hasText: "signed out alice" }).waitFor();
  assert.equal(await page.getByTestId("problem").isHidden(), true);
  assert.equal(asked, 1);
  await page.unrouteAll();
});

test("the page keeps tokens in memory only", async () => {
  const stored = await page.evaluate(() => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
  }));
  assert.deepEqual(stored, { local: 0, session: 0, cookie: "" });
  assert.deepEqual(await page.context().cookies(), []);
});

test("bob asks for voip and sees the refusal", async () => {
  await signIn("bob", ["voip"]);

  await page.getByTestId("problem-code").filter({ hasText: "scope_not_allowed" }).waitFor();
  assert.match(await text("problem-advice"), /does not allow voip/);
  assert.equal(await text("token-number"), "—");
  await shot("06-bob-voip-refused");
});

test("bob looks up alice, and the page says why the emulator's token cannot start a call", async () => {
  await signIn("bob");
  await waitForToken(1);
  assert.equal(await text("scopes"), "chat");

  await page.fill("#callee", "alice");
  await page.click("#lookup-button");
  await page.getByTestId("callee-identity").filter({ hasText: alice }).waitFor();
  await page.click("#call-button");
  await page.getByTestId("call-status").filter({ hasText: "real ACS refuses emulator tokens" }).waitFor();
  await shot("07-bob-looks-up-alice");
});

test("bob erases his ACS identity, and his next token comes with a new one", async () => {
  const before = await text("acs-identity");
  await page.click("#erase-button");

  await page.getByTestId("event-log").filter({ hasText: "DELETE /identity" }).waitFor();
  assert.equal(await text("acs-identity"), "—");
  assert.equal(await text("token-number"), "—");
  await page.click("#refresh-button");
  await waitForToken(2);
  const after = await text("acs-identity");
  assert.match(after, /^8:acs:/);
  assert.notEqual(after, before);
  await shot("08-bob-erased-and-new-identity");
});

test("a front end on another origin that the service's CORS list names gets a token", async () => {
  const other = await browser.newPage();
  other.setDefaultTimeout(timeout);
  other.on("pageerror", (error) => pageErrors.push(error));
  await other.goto(`http://127.0.0.1:${frontEndPort}/?service=${serviceOrigin}`);
  const requests = [];
  other.on("request", (request) => requests.push(`${request.method()} ${request.url()}`));

  await signIn("alice", [], other);

  await other.getByTestId("token-number").filter({ hasText: "#1" }).waitFor();
  assert.equal(await other.getByTestId("acs-identity").textContent(), alice);
  assert.ok(requests.includes(`POST ${serviceOrigin}/token`), requests.join("\n"));
  await other.screenshot({ path: join(screenshots, "09-cross-origin-allowed.png"), fullPage: true });
  await other.close();
});

test("a front end on an origin that the CORS list does not name is refused, and the page says why", async () => {
  const other = await browser.newPage();
  other.setDefaultTimeout(timeout);
  other.on("pageerror", (error) => pageErrors.push(error));
  // localhost and 127.0.0.1 are different origins to a browser: only the latter is listed.
  await other.goto(`http://localhost:${frontEndPort}/?service=${serviceOrigin}`);

  await signIn("alice", [], other);

  await other.getByTestId("problem-code").filter({ hasText: "network_or_page_error" }).waitFor();
  assert.match(await other.getByTestId("problem-advice").textContent(), /sign-in\.cors-allowed-origins/);
  assert.equal(await other.getByTestId("token-number").textContent(), "—");
  await other.screenshot({ path: join(screenshots, "10-cross-origin-refused.png"), fullPage: true });
  await other.close();
});

test("with a token of real ACS, Start call loads the calling library, and only then", async () => {
  const other = await browser.newPage();
  other.setDefaultTimeout(timeout);
  const requests = [];
  other.on("request", (request) => requests.push(request.url()));
  // A token shaped like real ACS's (no emulatorGeneration claim); nothing ever sends it to ACS.
  const claims = { skypeid: "acs:real", scp: 1792, exp: Math.floor(Date.now() / 1000) + 3600 };
  const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2ln`;
  await other.route("**/token", (route) =>
    route.fulfill({
      status: 200,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        token,
        expiresOn: new Date(claims.exp * 1000).toISOString(),
        user: { communicationUserId: "8:acs:real" },
        scopes: ["chat", "voip"],
      }),
    }),
  );
  await other.goto(exampleUrl);
  await signIn("alice", [], other);
  await other.getByTestId("token-number").filter({ hasText: "#1" }).waitFor();
  assert.match(await other.getByTestId("token-issuer").textContent(), /^Azure Communication Services$/);
  await other.fill("#callee", "bob");
  await other.click("#lookup-button");
  await other.getByTestId("callee-identity").filter({ hasText: "A call to bob goes to 8:acs:" }).waitFor();
  assert.deepEqual(requests.filter((url) => url.includes("sdk.bundle")), [], "loaded before it was needed");

  await other.click("#call-button");

  // The calling library runs on https or localhost only: here it loads, and says so.
  await other.getByTestId("problem-detail").filter({ hasText: "ACS Web Calling SDK" }).waitFor();
  assert.equal(requests.filter((url) => url.includes("sdk.bundle")).length, 1);
  await other.screenshot({ path: join(screenshots, "11-calling-library-loaded-on-demand.png"), fullPage: true });
  await other.close();
});

test("the page threw no error", () => {
  assert.deepEqual(pageErrors.map(String), []);
});
