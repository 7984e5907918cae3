// Checks the ACS emulator with the official JavaScript SDK, unmodified.
// Needs ACS_CONNECTION_STRING and NODE_EXTRA_CA_CERTS (the emulator's certificate);
// exits non-zero at the first thing that is not as ACS would answer.
import assert from "node:assert/strict";
import { CommunicationIdentityClient } from "@azure/communication-identity";

const connectionString = process.env.ACS_CONNECTION_STRING;
assert.ok(connectionString, "ACS_CONNECTION_STRING is not set");
// No retries: an error expected by a check should not be slow.
const client = new CommunicationIdentityClient(connectionString, { retryOptions: { maxRetries: 0 } });

async function check(name, action) {
  try {
    await action();
    console.log(`ok   ${name}`);
  } catch (error) {
    console.error(`FAIL ${name}: ${error.message}`);
    process.exitCode = 1;
  }
}

async function expectStatus(status, action) {
  try {
    await action();
  } catch (error) {
    assert.equal(error.statusCode, status, `expected ${status}, got ${error.statusCode}: ${error.message}`);
    return error;
  }
  assert.fail(`expected ${status}, got a success`);
}

// The emulator's own control endpoints (not ACS's), with the same access key.
const endpoint = /endpoint=([^;]+)/i.exec(connectionString)[1].replace(/\/?$/, "/");
const accessKey = /accesskey=([^;]+)/i.exec(connectionString)[1];

async function control(method, path, body) {
  const response = await fetch(new URL(path, endpoint), {
    method,
    headers: { Authorization: `Bearer ${accessKey}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    assert.fail(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status === 204 ? undefined : response.json();
}

const acsUser = /^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/;
let user;

await check("createUser", async () => {
  user = await client.createUser();
  assert.match(user.communicationUserId, acsUser);
});

await check("getToken with voip.join", async () => {
  const token = await client.getToken(user, ["voip.join"], { tokenExpiresInMinutes: 60 });
  assert.equal(token.token.split(".").length, 3);
  const minutes = (token.expiresOn.getTime() - Date.now()) / 60000;
  assert.ok(minutes > 59 && minutes <= 60, `expires in ${minutes} minutes`);
  const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
  assert.equal(claims.acsScope, "voip.join");
  assert.equal(`8:${claims.skypeid}`, user.communicationUserId);
});

await check("createUserAndToken", async () => {
  const result = await client.createUserAndToken(["chat", "voip"]);
  assert.match(result.user.communicationUserId, acsUser);
  assert.ok(result.token.length > 0);
  assert.ok(result.expiresOn > new Date());
});

await check("revokeTokens", async () => {
  await client.revokeTokens(user);
});

await check("deleteUser", async () => {
  await client.deleteUser(user);
});

await check("getToken after delete is 404", async () => {
  await expectStatus(404, () => client.getToken(user, ["chat"]));
});

await check("getToken with an unknown scope is 400", async () => {
  const other = await client.createUser();
  await expectStatus(400, () => client.getToken(other, ["teleport"]));
});

await check("getToken with expiresInMinutes out of range is 400", async () => {
  const other = await client.createUser();
  await expectStatus(400, () => client.getToken(other, ["chat"], { tokenExpiresInMinutes: 59 }));
});

await check("a wrong access key is 401", async () => {
  const wrong = new CommunicationIdentityClient(
    `endpoint=${endpoint};accesskey=${Buffer.from("not the emulator's key").toString("base64")}`,
    { retryOptions: { maxRetries: 0 } },
  );
  await expectStatus(401, () => wrong.createUser());
});

await check("getToken beyond the issue-token limit is 429 TooManyRequests with Retry-After", async () => {
  const other = await client.createUser();
  const limits = await control("GET", "_emulator/limits");
  assert.equal(limits.enabled, true, "the emulator's limits are off");
  const { limit, remaining } = limits.operations["issue-token"];
  assert.equal(limit, 1000, "ACS's limit");
  // Another application on the same resource spends what is left of the allowance.
  const spent = await control("POST", "_emulator/limits/spend", { operation: "issue-token", calls: remaining });
  assert.equal(spent.counted, remaining);
  try {
    const error = await expectStatus(429, () => client.getToken(other, ["chat"]));
    assert.equal(error.code, "TooManyRequests");
    const retryAfter = Number(error.response?.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After: ${retryAfter}`);
  } finally {
    await control("DELETE", "_emulator/limits");
  }
  assert.ok((await client.getToken(other, ["chat"])).token, "a token again once the windows are empty");
});

console.log(process.exitCode ? "JavaScript SDK check FAILED" : "JavaScript SDK check passed");
