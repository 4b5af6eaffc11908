import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import express from "express";
import fc from "fast-check";
import { Hs256Verifier } from "../auth/Hs256Verifier.ts";
import { signJwt } from "../auth/jwt.ts";
import type { TokenVerifier } from "../auth/TokenVerifier.ts";
import { malformedTokens, SECRET, wellFormedIfValid } from "../auth/tokenShapes.testkit.ts";
import { requireBearer, subjectOf } from "./bearer.ts";
import { rejectImpossibleIds } from "./ids.ts";
import { problemErrorHandler } from "./problem.ts";

async function serve(verifier: TokenVerifier): Promise<{ url: string; server: Server; unexpected: unknown[] }> {
  const unexpected: unknown[] = [];
  const app = express();
  app.use(requireBearer(verifier), rejectImpossibleIds());
  app.get("/v1/things/:id", (req, res) => void res.json({ sub: subjectOf(res), id: req.params.id }));
  app.use(problemErrorHandler((error) => unexpected.push(error)));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, unexpected };
}

describe("requireBearer", () => {
  let api: Awaited<ReturnType<typeof serve>>;
  const call = (authorization: string | undefined, path = "/v1/things/t-1") =>
    fetch(`${api.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });

  before(async () => {
    api = await serve(new Hs256Verifier(SECRET));
  });
  after(() => api.server.close());

  it("lets a valid token through with its subject", async () => {
    const res = await call(`Bearer ${signJwt(SECRET, "user-7", 60)}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { sub: "user-7", id: "t-1" });
  });

  it("answers 401 problem JSON for a missing header, another scheme and a null header", async () => {
    const nullHeader = `${Buffer.from("null").toString("base64url")}.${Buffer.from('{"sub":"u","exp":9999999999}').toString("base64url")}.x`;
    for (const authorization of [
      undefined,
      "",
      "Basic dXNlcjpwdw==",
      "Bearer",
      "Bearer ",
      `Bearer ${nullHeader}`,
      `Bearer ${"a".repeat(9000)}`,
    ]) {
      const res = await call(authorization);
      assert.equal(res.status, 401, String(authorization).slice(0, 40));
      assert.equal(res.headers.get("content-type"), "application/problem+json; charset=utf-8");
    }
  });

  it("answers 401, never 500, to a bearer token of any shape", async () => {
    await fc.assert(
      fc.asyncProperty(malformedTokens({ ascii: true }), async (token) => {
        const res = await call(`Bearer ${token}`);
        await res.arrayBuffer();
        if (res.status === 200) assert.ok(wellFormedIfValid(token), `accepted ${token}`);
        else assert.equal(res.status, 401, token);
      }),
      { numRuns: 300 },
    );
    assert.deepEqual(api.unexpected, []);
  });

  it("answers 503 when the verifier cannot fetch its keys", async () => {
    const down = await serve({ verify: async () => ({ ok: false, reason: "keys unavailable", unavailable: true }) });
    try {
      const res = await fetch(`${down.url}/v1/things/t-1`, { headers: { authorization: "Bearer a.b.c" } });
      assert.equal(res.status, 503);
    } finally {
      down.server.close();
    }
  });

  it("answers 404 for an id no resource can have (over 128 characters, or odd characters), before any store", async () => {
    const token = `Bearer ${signJwt(SECRET, "user-7", 60)}`;
    assert.equal((await call(token, `/v1/things/${"x".repeat(128)}`)).status, 200);
    for (const id of ["x".repeat(129), "x".repeat(4096), "a%20b", "%00", "caf%C3%A9"]) {
      const res = await call(token, `/v1/things/${id}`);
      assert.equal(res.status, 404, id.slice(0, 20));
    }
  });
});
