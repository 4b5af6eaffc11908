import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { JwksVerifier } from "./JwksVerifier.ts";

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

/** A JWKS on a loopback port, as Cognito serves `<pool>/.well-known/jwks.json`. */
async function serveJwks(keys: { kid: string; pair: Keys }[]): Promise<{ issuer: string; server: Server; requests: () => number }> {
  const jwks = {
    keys: await Promise.all(keys.map(async ({ kid, pair }) => ({ ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" }))),
  };
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (req.url !== "/pool/.well-known/jwks.json") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pool`, server, requests: () => requests };
}

describe("JwksVerifier (production: Cognito RS256 through the pool's JWKS)", () => {
  let pool: Keys;
  let stranger: Keys;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let verifier: JwksVerifier;
  const CLIENT = "app-client-1";

  const token = (
    claims: JWTPayload,
    options: { kid?: string; key?: Keys; alg?: string; issuer?: string; expiresIn?: string | number } = {},
  ) => {
    const jwt = new SignJWT({ token_use: "id", aud: CLIENT, ...claims })
      .setProtectedHeader({ alg: options.alg ?? "RS256", kid: options.kid ?? "key-1" })
      .setIssuer(options.issuer ?? jwks.issuer)
      .setSubject("6f1c2a9e-0b1d-4c3e-9f00-000000000001")
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "1h");
    return jwt.sign((options.key ?? pool).privateKey);
  };

  before(async () => {
    pool = await generateKeyPair("RS256");
    stranger = await generateKeyPair("RS256");
    jwks = await serveJwks([{ kid: "key-1", pair: pool }]);
    verifier = new JwksVerifier({ issuer: jwks.issuer, audience: CLIENT });
  });
  after(() => jwks.server.close());

  it("accepts the pool's ID token for our client and names the user", async () => {
    assert.deepEqual(await verifier.verify(await token({})), { ok: true, sub: "6f1c2a9e-0b1d-4c3e-9f00-000000000001" });
  });

  it("takes the issuer with or without a trailing slash", async () => {
    const slash = new JwksVerifier({ issuer: `${jwks.issuer}/`, audience: CLIENT });
    assert.equal((await slash.verify(await token({}))).ok, true);
  });

  it("accepts an access token whose client_id is ours, refuses one for another client", async () => {
    assert.equal((await verifier.verify(await token({ token_use: "access", aud: undefined, client_id: CLIENT }))).ok, true);
    const other = await verifier.verify(await token({ token_use: "access", aud: undefined, client_id: "someone-else" }));
    assert.deepEqual(other, { ok: false, reason: "token is for another client" });
    assert.deepEqual(await verifier.verify(await token({ aud: "someone-else" })), { ok: false, reason: "token is for another client" });
  });

  it("refuses an expired token", async () => {
    const expired = await token({}, { expiresIn: Math.floor(Date.now() / 1000) - 120 });
    assert.deepEqual(await verifier.verify(expired), { ok: false, reason: "token expired" });
  });

  it("refuses a token of another issuer, even signed with the pool's key", async () => {
    const foreign = await token({}, { issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other" });
    assert.deepEqual(await verifier.verify(foreign), { ok: false, reason: "invalid iss claim" });
  });

  it("refuses a key id the pool does not publish, and a stranger's key under the pool's key id", async () => {
    assert.deepEqual(await verifier.verify(await token({}, { kid: "key-2", key: stranger })), { ok: false, reason: "unknown signing key" });
    assert.deepEqual(await verifier.verify(await token({}, { key: stranger })), { ok: false, reason: "bad signature" });
  });

  it("refuses HS256 tokens, so the public key can never serve as an HMAC secret", async () => {
    const hs = await new SignJWT({ aud: CLIENT })
      .setProtectedHeader({ alg: "HS256", kid: "key-1" })
      .setIssuer(jwks.issuer)
      .setSubject("u")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("a-secret-of-sixteen-bytes"));
    assert.deepEqual(await verifier.verify(hs), { ok: false, reason: "unsupported algorithm" });
  });

  it("requires the group when one is configured (support agents)", async () => {
    const agents = new JwksVerifier({ issuer: jwks.issuer, audience: CLIENT, requiredGroup: "support-agents" });
    assert.equal((await agents.verify(await token({ "cognito:groups": ["support-agents"] }))).ok, true);
    assert.deepEqual(await agents.verify(await token({ "cognito:groups": ["users"] })), {
      ok: false,
      reason: "not in the support-agents group",
    });
    assert.equal((await agents.verify(await token({}))).ok, false);
  });

  it("says the keys are unavailable, not that the token is bad, when the JWKS cannot be fetched", async () => {
    const gone = await serveJwks([]);
    gone.server.close();
    const orphan = new JwksVerifier({ issuer: gone.issuer, audience: CLIENT, timeoutMs: 1000 });
    const check = await orphan.verify(await token({}, { issuer: gone.issuer }));
    assert.deepEqual(check, { ok: false, reason: "the token issuer's keys are unavailable", unavailable: true });
  });
});
