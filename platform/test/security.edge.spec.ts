import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createLogger, signJwt } from "@syncwell/core";
import { malformedTokens, SECRET, wellFormedIfValid } from "@syncwell/core/testkit";
import { loadGatewayConfig, type RunningGateway, startGateway } from "@syncwell/gateway-shim";
import fc from "fast-check";
import { type EmbeddedStack, startEmbeddedStack } from "./helpers/embeddedStack.ts";
import { startTestIssuer, type TestIssuer } from "./helpers/jwks.ts";
import { SupportHarness } from "./support/harness.ts";

const run = randomBytes(3).toString("hex");
const logger = createLogger("security-test", "silent");

async function gatewayOn(stack: EmbeddedStack, prefix: string, env: Record<string, string>): Promise<RunningGateway> {
  process.env.AWS_ACCESS_KEY_ID ??= "test";
  process.env.AWS_SECRET_ACCESS_KEY ??= "test";
  const config = loadGatewayConfig({
    SYNCWELL_MODE: "development",
    AWS_ENDPOINT_URL_SQS: stack.aws.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stack.aws.dynamoDbEndpoint,
    SYNCWELL_RESOURCE_PREFIX: prefix,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_KEY_PREFIX: `security-${run}:`,
    GATEWAY_PORT: "0",
    GATEWAY_RATE_LIMIT_PER_MINUTE: "100000",
    LOG_LEVEL: "silent",
    ...env,
  });
  return startGateway(config, logger);
}

async function call(base: string, method: string, path: string, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  await res.arrayBuffer();
  return res.status;
}

describe("the edge: ids, headers and tokens are checked before anything reaches a store", () => {
  let stack: EmbeddedStack;
  let gateway: RunningGateway;
  const user = signJwt(SECRET, `edge-user-${run}`, 600);

  before(async () => {
    stack = await startEmbeddedStack(`security-${run}-`);
    gateway = await gatewayOn(stack, `security-${run}-`, { GATEWAY_JWT_SECRET: SECRET });
  });
  after(async () => {
    await gateway?.close();
    await stack?.stop();
  });

  it("answers 404 or 400, never 500, for oversized or odd ids on every route that takes one", async () => {
    const ids = ["x".repeat(129), "x".repeat(1100), "x".repeat(4000), "a%20b", "%F0%9F%92%A9", "..%2F..%2Fetc", "a'b", "a%00b"];
    const routes = (id: string): [string, string][] => [
      ["GET", `/v1/sync-configs/${id}`],
      ["PATCH", `/v1/sync-configs/${id}`],
      ["DELETE", `/v1/sync-configs/${id}`],
      ["POST", `/v1/sync-configs/${id}/sync`],
      ["GET", `/v1/sync-configs/${id}/records`],
      ["POST", `/v1/sync-configs/cfg-1/records/${id}/resync`],
      ["GET", `/v1/sync-jobs/${id}`],
      ["GET", `/v1/connections/${id}`],
      ["DELETE", `/v1/connections/${id}`],
    ];
    for (const id of ids) {
      for (const [method, path] of routes(id)) {
        const status = await call(gateway.url, method, path, user, { "idempotency-key": "edge-1" });
        assert.ok(status === 404 || status === 400, `${method} ${path.slice(0, 60)} → ${status}`);
      }
    }
    // At the limit, the id reaches the store and is simply not there.
    assert.equal(await call(gateway.url, "GET", `/v1/sync-jobs/${"j".repeat(128)}`, user), 404);
    assert.equal(await call(gateway.url, "GET", `/v1/sync-configs/${"c".repeat(128)}`, user), 404);
  });

  it("answers 400 for oversized ids and keys in bodies and headers", async () => {
    const body = JSON.stringify({
      sourceConnectionId: "s".repeat(2000),
      destinationConnectionId: "d",
      dataType: "workouts",
      conflictResolutionStrategy: "source_wins",
    });
    const res = await fetch(`${gateway.url}/v1/sync-configs`, {
      method: "POST",
      headers: { authorization: `Bearer ${user}`, "content-type": "application/json" },
      body,
    });
    assert.equal(res.status, 400);
    assert.equal(await call(gateway.url, "POST", "/v1/sync-configs/cfg-1/sync", user, { "idempotency-key": "k".repeat(2000) }), 400);
  });

  it("answers 401, never 500, to bearer tokens of every shape", async () => {
    await fc.assert(
      fc.asyncProperty(malformedTokens({ ascii: true }), async (token) => {
        const status = await call(gateway.url, "GET", "/v1/sync-jobs/job-1", token);
        if (wellFormedIfValid(token)) assert.ok(status === 404 || status === 401, `${token} → ${status}`);
        else assert.equal(status, 401, token);
      }),
      { numRuns: 150 },
    );
  });
});

describe("production tokens: the gateway and support verify Cognito's RS256 tokens through the pool's JWKS", () => {
  let stack: EmbeddedStack;
  let gateway: RunningGateway;
  let users: TestIssuer;
  let agents: TestIssuer;
  const support = new SupportHarness();

  before(async () => {
    users = await startTestIssuer("user-app");
    agents = await startTestIssuer("agent-app");
    stack = await startEmbeddedStack(`security-jwks-${run}-`);
    gateway = await gatewayOn(stack, `security-jwks-${run}-`, { AUTH_ISSUER: users.issuer, AUTH_AUDIENCE: users.clientId });
    await support.start({
      AUTH_ISSUER: users.issuer,
      AUTH_AUDIENCE: users.clientId,
      SUPPORT_AUTH_ISSUER: agents.issuer,
      SUPPORT_AUTH_AUDIENCE: agents.clientId,
      SUPPORT_AUTH_GROUP: "support-agents",
    });
  });
  after(async () => {
    await gateway?.close();
    await stack?.stop();
    await support.stop();
    await users?.close();
    await agents?.close();
  });

  it("the gateway accepts the pool's token and refuses HS256 ones, also when signed with the development secret", async () => {
    assert.equal(await call(gateway.url, "GET", "/v1/sync-jobs/job-1", await users.token("user-a")), 404);
    assert.equal(await call(gateway.url, "GET", "/v1/sync-jobs/job-1", signJwt("dev-only-syncwell-jwt-secret-change-me", "user-a")), 401);
    assert.equal(await call(gateway.url, "GET", "/v1/sync-jobs/job-1", await agents.token("user-a")), 401, "another pool's token");
  });

  it("support takes agents from the agents' pool and group, and users from the users' pool", async () => {
    const agent = await agents.token("agent-ann", { "cognito:groups": ["support-agents"] });
    assert.equal((await support.call("GET", "/v1/support/tickets", undefined, agent)).status, 200);
    const outsider = await agents.token("agent-bob", { "cognito:groups": ["viewers"] });
    assert.equal((await support.call("GET", "/v1/support/tickets", undefined, outsider)).status, 401);
    assert.equal(
      (await support.call("GET", "/v1/support/tickets", undefined, await users.token("user-a"))).status,
      401,
      "a user is no agent",
    );
    assert.equal(
      (await support.call("GET", `/v1/troubleshooter/conversations/${"x".repeat(2000)}`, undefined, await users.token("user-a"))).status,
      404,
    );
    assert.equal((await support.call("GET", `/v1/support/tickets/${"t".repeat(2000)}`, undefined, agent)).status, 404);
  });
});
