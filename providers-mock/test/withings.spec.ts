import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { withingsSignature } from "../src/providers/withings.ts";
import { eventually, startHookReceiver, startTestMock } from "./helpers.ts";

const CLIENT = { client_id: "syncwell-withings", client_secret: "dev-withings-secret" };
const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** A weigh-in (a moment) and a night with its stages, as test control takes them. */
const weighIn = (iso: string, weightKg: number, fatPercent?: number) => ({
  kind: "body",
  startTime: iso,
  endTime: iso,
  type: "other",
  name: "Weigh-in",
  body: { weightKg, ...(fatPercent === undefined ? {} : { fatPercent }) },
});
const night = (startIso: string, hours: number) => ({
  kind: "sleep",
  startTime: startIso,
  endTime: new Date(Date.parse(startIso) + hours * 3600_000).toISOString(),
  type: "other",
  name: "Sleep",
  sleep: {
    stages: [
      { stage: "awake", startOffsetSeconds: 0, seconds: 600 },
      { stage: "light", startOffsetSeconds: 600, seconds: 3000 },
      { stage: "deep", startOffsetSeconds: 3600, seconds: 1800 },
      { stage: "rem", startOffsetSeconds: 5400, seconds: hours * 3600 - 5400 },
    ],
  },
});

describe("withings mock", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
  before(async () => {
    hooks = await startHookReceiver();
    mock = await startTestMock({ WEBHOOK_BASE_URL: hooks.url });
  });
  after(async () => {
    await mock.close();
    await hooks.close();
  });

  const call = (path: string, form: Record<string, string | number>, token?: string) =>
    mock.api.call("POST", `/withings${path}`, {
      form: Object.fromEntries(Object.entries(form).map(([k, v]) => [k, String(v)])),
      ...(token ? { token } : {}),
    });
  const connect = async () => {
    const user = await mock.api.newUser("withings");
    const token = await call("/v2/oauth2", {
      action: "requesttoken",
      grant_type: "authorization_code",
      code: user.authorizationCode,
      ...CLIENT,
    });
    assert.equal(token.status, 200);
    assert.equal(token.body.status, 0, token.text);
    return { ...user, token: token.body.body.access_token as string, refresh: token.body.body.refresh_token as string };
  };

  it("OAuth: code → token (status 0, userid, 3 h) → refresh rotates; a used code or refresh token is status 503 in a 200", async () => {
    const user = await mock.api.newUser("withings");
    assert.match(user.partnerUserId, /^\d+$/, "Withings user ids are integers");
    const grant = { action: "requesttoken", grant_type: "authorization_code", code: user.authorizationCode, ...CLIENT };
    const first = await call("/v2/oauth2", grant);
    assert.equal(first.status, 200);
    assert.equal(first.body.status, 0);
    const body = first.body.body;
    assert.equal(body.userid, user.partnerUserId);
    assert.equal(body.expires_in, 10_800);
    assert.equal(body.token_type, "Bearer");
    assert.ok(body.scope.includes("user.metrics"));
    const again = await call("/v2/oauth2", grant);
    assert.deepEqual([again.status, again.body.status], [200, 503], "a code works once");

    const refreshed = await call("/v2/oauth2", {
      action: "requesttoken",
      grant_type: "refresh_token",
      refresh_token: body.refresh_token,
      ...CLIENT,
    });
    assert.equal(refreshed.body.status, 0);
    assert.notEqual(refreshed.body.body.refresh_token, body.refresh_token, "refresh tokens rotate");
    const reused = await call("/v2/oauth2", {
      action: "requesttoken",
      grant_type: "refresh_token",
      refresh_token: body.refresh_token,
      ...CLIENT,
    });
    assert.deepEqual([reused.status, reused.body.status], [200, 503]);
    const wrongSecret = await call("/v2/oauth2", { ...grant, client_secret: "nope" });
    assert.equal(wrongSecret.body.status, 503);
    const wrongAction = await call("/v2/oauth2", { ...grant, action: "gettoken" });
    assert.deepEqual([wrongAction.status, wrongAction.body.status], [200, 2554]);
    const inherited = await call("/v2/oauth2", { ...grant, action: "constructor" });
    assert.deepEqual([inherited.status, inherited.body.status], [200, 2554], "no action but the service's own");
  });

  it("an invalid or expired token is status 401 in an HTTP 200", async () => {
    const { partnerUserId, token } = await connect();
    const bad = await call("/measure", { action: "getmeas" }, "not-a-token");
    assert.deepEqual([bad.status, bad.body.status], [200, 401]);
    assert.match(bad.body.error, /invalid_token/);
    await mock.api.call("POST", `/withings/_admin/users/${partnerUserId}/expire-tokens`);
    const expired = await call("/measure", { action: "getmeas" }, token);
    assert.deepEqual([expired.status, expired.body.status], [200, 401]);
  });

  it("getmeas: measure groups in Withings' shape (value × 10^unit), filtered by type, date and lastupdate", async () => {
    const { partnerUserId, token } = await connect();
    await mock.api.addActivities("withings", partnerUserId, [
      weighIn("2026-03-01T07:00:00Z", 72.45, 21.3),
      weighIn("2026-03-02T07:00:00Z", 72.1),
      { ...weighIn("2026-03-03T07:00:00Z", 71.9, 20.9), updatedAt: "2026-03-03T07:05:00Z" },
    ]);
    const all = await call("/measure", { action: "getmeas", meastypes: "1,6", category: 1 }, token);
    assert.equal(all.body.status, 0, all.text);
    const groups = all.body.body.measuregrps;
    assert.equal(groups.length, 3);
    const first = groups.find((g: any) => g.date === at("2026-03-01T07:00:00Z"));
    assert.equal(typeof first.grpid, "number");
    assert.equal(first.category, 1);
    const value = (type: number) => {
      const m = first.measures.find((x: any) => x.type === type);
      return m.value * 10 ** m.unit;
    };
    assert.ok(Math.abs(value(1) - 72.45) < 1e-9);
    assert.ok(Math.abs(value(6) - 21.3) < 1e-9);
    assert.ok(first.modified >= first.created);
    const fatOnly = await call("/measure", { action: "getmeas", meastype: 6 }, token);
    assert.equal(fatOnly.body.body.measuregrps.length, 2, "only the groups with a fat ratio");
    const oneDay = await call(
      "/measure",
      { action: "getmeas", startdate: at("2026-03-02T00:00:00Z"), enddate: at("2026-03-02T23:59:59Z") },
      token,
    );
    assert.deepEqual(
      oneDay.body.body.measuregrps.map((g: any) => g.date),
      [at("2026-03-02T07:00:00Z")],
    );
    const updated = await call("/measure", { action: "getmeas", lastupdate: at("2026-03-03T07:04:00Z") }, token);
    assert.ok(updated.body.body.measuregrps.some((g: any) => g.modified === at("2026-03-03T07:05:00Z")));
    const objectives = await call("/measure", { action: "getmeas", category: 2 }, token);
    assert.deepEqual(objectives.body.body.measuregrps, []);
    const malformed = await call("/measure", { action: "getmeas", startdate: "yesterday" }, token);
    assert.deepEqual([malformed.status, malformed.body.status], [200, 503]);
  });

  it("pages measure groups with more/offset", async () => {
    const { partnerUserId, token } = await connect();
    const base = Date.parse("2026-02-01T06:00:00Z");
    await mock.api.addActivities(
      "withings",
      partnerUserId,
      Array.from({ length: 55 }, (_, i) => weighIn(new Date(base + i * 3600_000).toISOString(), 70 + i / 10)),
    );
    const first = await call("/measure", { action: "getmeas" }, token);
    assert.equal(first.body.body.measuregrps.length, 50);
    assert.equal(first.body.body.more, 1);
    const second = await call("/measure", { action: "getmeas", offset: first.body.body.offset }, token);
    assert.equal(second.body.body.measuregrps.length, 5);
    assert.equal(second.body.body.more, 0);
    const ids = [...first.body.body.measuregrps, ...second.body.body.measuregrps].map((g: any) => g.grpid);
    assert.equal(new Set(ids).size, 55, "every group once");
  });

  it("sleep v2: getsummary by night or lastupdate with durations by state; get gives the states of a window", async () => {
    const { partnerUserId, token } = await connect();
    const [stored] = await mock.api.addActivities("withings", partnerUserId, [night("2026-03-04T22:00:00Z", 8)]);
    const summary = await call("/v2/sleep", { action: "getsummary", startdateymd: "2026-03-05", enddateymd: "2026-03-05" }, token);
    assert.equal(summary.body.status, 0, summary.text);
    const [s] = summary.body.body.series;
    assert.equal(String(s.id), stored.id);
    assert.deepEqual([s.startdate, s.enddate, s.date], [at("2026-03-04T22:00:00Z"), at("2026-03-05T06:00:00Z"), "2026-03-05"]);
    assert.deepEqual(
      [s.data.wakeupduration, s.data.lightsleepduration, s.data.deepsleepduration, s.data.remsleepduration],
      [600, 3000, 1800, 8 * 3600 - 5400],
    );
    assert.equal(summary.body.body.more, false);
    const byUpdate = await call("/v2/sleep", { action: "getsummary", lastupdate: at(stored.updatedAt) - 1 }, token);
    assert.equal(byUpdate.body.body.series.length, 1);
    const neither = await call("/v2/sleep", { action: "getsummary" }, token);
    assert.equal(neither.body.status, 503);

    const states = await call("/v2/sleep", { action: "get", startdate: s.startdate, enddate: s.enddate }, token);
    assert.deepEqual(
      states.body.body.series.map((x: any) => [x.state, x.enddate - x.startdate]),
      [
        [0, 600],
        [1, 3000],
        [2, 1800],
        [3, 8 * 3600 - 5400],
      ],
    );
    const later = await call("/v2/sleep", { action: "get", startdate: s.startdate + 3700, enddate: s.enddate }, token);
    assert.deepEqual(
      later.body.body.series.map((x: any) => x.state),
      [2, 3],
      "only the segments in the window",
    );
  });

  it("is limited per application and minute, answered status 601 in an HTTP 200 (no 429)", async () => {
    const { token } = await connect();
    await mock.api.call("POST", "/_admin/rate-limits", { json: { provider: "withings", limits: { "app:minute": 1 } } });
    try {
      // The window may roll over between two calls: what matters is that the limit shows as a 601.
      const reply = await eventually(async () => {
        const r = await call("/measure", { action: "getmeas" }, token);
        return r.body.status === 601 ? r : undefined;
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get("retry-after"), null);
    } finally {
      await mock.api.call("DELETE", "/_admin/rate-limits");
    }
  });

  it("an injected fault is answered the Withings way: 429 as status 601, 401 as 401, 5xx as the HTTP status", async () => {
    const { token } = await connect();
    for (const [status, expected] of [
      [429, [200, 601]],
      [401, [200, 401]],
      [503, [503, 2555]],
    ] as const) {
      await mock.api.call("POST", "/_admin/faults", { json: { provider: "withings", operation: "list_metadata", status, times: 1 } });
      const reply = await call("/measure", { action: "getmeas" }, token);
      assert.deepEqual([reply.status, reply.body.status], expected, `fault ${status}`);
    }
  });

  it("notify: subscribe checks the callback with a HEAD; new body and sleep data are POSTed form-encoded to it", async () => {
    const { partnerUserId, token } = await connect();
    const bad = await call("/notify", { action: "subscribe", callbackurl: "http://127.0.0.1:9/nothing", appli: 1 }, token);
    assert.equal(bad.body.status, 293, "an unreachable callback is refused");
    const badAppli = await call("/notify", { action: "subscribe", callbackurl: hooks.url, appli: 999 }, token);
    assert.equal(badAppli.body.status, 503);

    // A subscriber of its own, that records what it gets.
    const got: { method: string; type: string | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        got.push({ method: req.method ?? "", type: req.headers["content-type"], body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/withings-callback`;
    try {
      for (const appli of [1, 44]) {
        const sub = await call("/notify", { action: "subscribe", callbackurl: url, appli, comment: "SyncWell" }, token);
        assert.equal(sub.body.status, 0, sub.text);
      }
      assert.deepEqual(
        got.map((g) => g.method),
        ["HEAD", "HEAD"],
      );
      const list = await call("/notify", { action: "list" }, token);
      assert.deepEqual(
        list.body.body.profiles.map((p: any) => [p.appli, p.callbackurl]),
        [
          [1, url],
          [44, url],
        ],
      );

      const fromDefault = hooks.received.length;
      await mock.api.addActivities("withings", partnerUserId, [weighIn("2026-03-06T07:00:00Z", 70.2), night("2026-03-05T23:00:00Z", 7)]);
      const posts = await eventually(async () => {
        const p = got.filter((g) => g.method === "POST");
        return p.length >= 2 ? p : undefined;
      });
      assert.ok(posts.every((p) => p.type === "application/x-www-form-urlencoded"));
      const forms = posts.map((p) => Object.fromEntries(new URLSearchParams(p.body)));
      assert.deepEqual(
        forms.sort((a, b) => Number(a.appli) - Number(b.appli)),
        [
          { userid: partnerUserId, appli: "1", startdate: String(at("2026-03-06T07:00:00Z")), enddate: String(at("2026-03-06T07:00:00Z")) },
          {
            userid: partnerUserId,
            appli: "44",
            startdate: String(at("2026-03-05T23:00:00Z")),
            enddate: String(at("2026-03-06T06:00:00Z")),
          },
        ],
      );
      assert.equal(hooks.received.length, fromDefault, "a user with subscriptions of their own is notified there only");

      const revoked = await call("/notify", { action: "revoke", callbackurl: url, appli: 1 }, token);
      assert.equal(revoked.body.status, 0);
      const again = await call("/notify", { action: "revoke", callbackurl: url, appli: 1 }, token);
      assert.equal(again.body.status, 294);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("notifies only subscribed callbacks: a user without a subscription hears nothing, not even at WEBHOOK_BASE_URL", async () => {
    const { partnerUserId, token } = await connect();
    const before = hooks.received.length;
    await mock.api.addActivities("withings", partnerUserId, [weighIn("2026-03-07T07:00:00Z", 69.8)]);
    await mock.mock.webhooks.drain();
    assert.equal(hooks.received.length, before, "no app-wide default callback");

    const callback = `${hooks.url}/withings`;
    assert.equal((await call("/notify", { action: "subscribe", callbackurl: callback, appli: 1 }, token)).body.status, 0);
    const heads = hooks.received.length;
    await mock.api.addActivities("withings", partnerUserId, [weighIn("2026-03-08T07:00:00Z", 69.6), night("2026-03-07T23:00:00Z", 7)]);
    await mock.mock.webhooks.drain();
    const delivered = hooks.received.slice(heads);
    assert.deepEqual(
      delivered.map((h) => [h.method, h.url, new URLSearchParams(h.body).get("appli")]),
      [["POST", "/webhooks/withings", "1"]],
      "the weigh-in at the subscribed callback; the night (appli 44, not subscribed) nowhere",
    );
    assert.equal(delivered[0]?.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(new URLSearchParams(delivered[0]?.body).get("userid"), partnerUserId);
  });

  it("a user who withdraws SyncWell's access at Withings: an unlink at the appli 46 subscription, then no notification", async () => {
    const { partnerUserId, token } = await connect();
    const callback = `${hooks.url}/withings`;
    for (const appli of [1, 46])
      assert.equal((await call("/notify", { action: "subscribe", callbackurl: callback, appli }, token)).body.status, 0);
    const before = hooks.received.length;
    assert.equal((await mock.api.call("POST", `/withings/_admin/users/${partnerUserId}/revoke`)).status, 204);
    await mock.api.addActivities("withings", partnerUserId, [weighIn("2026-03-09T07:00:00Z", 69.4)]);
    await mock.mock.webhooks.drain();
    assert.deepEqual(
      hooks.received.slice(before).map((h) => Object.fromEntries(new URLSearchParams(h.body))),
      [{ userid: partnerUserId, appli: "46", action: "unlink" }],
    );
  });

  it("revoke: a signed call with a fresh nonce ends the user's tokens and subscriptions; a bad signature or a reused nonce is refused", async () => {
    const { partnerUserId, token } = await connect();
    const nonce = async () => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const reply = await call("/v2/signature", {
        action: "getnonce",
        client_id: CLIENT.client_id,
        timestamp,
        signature: withingsSignature(CLIENT.client_secret, ["getnonce", CLIENT.client_id, timestamp]),
      });
      assert.equal(reply.body.status, 0, reply.text);
      return reply.body.body.nonce as string;
    };
    const revoke = (n: string, secret = CLIENT.client_secret) =>
      call("/v2/oauth2", {
        action: "revoke",
        client_id: CLIENT.client_id,
        nonce: n,
        signature: withingsSignature(secret, ["revoke", CLIENT.client_id, n]),
        userid: partnerUserId,
      });
    assert.equal((await revoke(await nonce(), "wrong-secret")).body.status, 503);
    assert.equal((await call("/measure", { action: "getmeas" }, token)).body.status, 0, "still connected");
    const callback = `${hooks.url}/withings`;
    assert.equal((await call("/notify", { action: "subscribe", callbackurl: callback, appli: 1 }, token)).body.status, 0);
    const n = await nonce();
    assert.equal((await revoke(n)).body.status, 0);
    assert.equal((await call("/measure", { action: "getmeas" }, token)).body.status, 401);
    assert.equal((await revoke(n)).body.status, 503, "a nonce is used once");

    // The revoke ended the user's notification subscriptions too.
    const before = hooks.received.length;
    await mock.api.addActivities("withings", partnerUserId, [weighIn("2026-03-10T07:00:00Z", 69.1)]);
    await mock.mock.webhooks.drain();
    assert.equal(hooks.received.length, before, "no notification after the revoke");
  });
});
