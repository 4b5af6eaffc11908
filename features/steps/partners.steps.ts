import assert from "node:assert/strict";
import { Given, Then, When } from "@cucumber/cucumber";
import { request } from "../support/http.ts";
import type { SyncWellWorld } from "../support/world.ts";

const STRAVA_CLIENT = { client_id: "syncwell-strava", client_secret: "dev-strava-secret" };
const POLAR_BASIC = `Basic ${Buffer.from("syncwell-polar:dev-polar-secret").toString("base64")}`;

function workout(hoursAgo: number) {
  const start = Date.now() - hoursAgo * 3600_000;
  return {
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + 1800_000).toISOString(),
    type: "run",
    name: `Run ${hoursAgo}`,
  };
}

async function createUser(world: SyncWellWorld, provider: string) {
  const reply = await request(world.partner(`/${provider}/_admin/users`), { method: "POST" });
  assert.equal(reply.status, 201, reply.text);
  world.users.set(provider, { provider, ...reply.body });
}

async function stravaToken(world: SyncWellWorld, form: Record<string, string>) {
  return world.call(world.partner("/strava/oauth/token"), { form: { ...STRAVA_CLIENT, ...form } });
}

async function authorise(world: SyncWellWorld, provider: "strava" | "polar") {
  await createUser(world, provider);
  const user = world.user(provider);
  const reply =
    provider === "strava"
      ? await stravaToken(world, { grant_type: "authorization_code", code: user.authorizationCode })
      : await world.call(world.partner("/polar/v2/oauth2/token"), {
          headers: { authorization: POLAR_BASIC },
          form: { grant_type: "authorization_code", code: user.authorizationCode },
        });
  assert.equal(reply.status, 200, reply.text);
  user.accessToken = reply.body.access_token;
  user.refreshToken = reply.body.refresh_token;
}

Given("a Strava athlete", async function (this: SyncWellWorld) {
  await createUser(this, "strava");
});

Given("a Strava athlete who has authorised SyncWell", async function (this: SyncWellWorld) {
  await authorise(this, "strava");
});

Given("a Polar user who has authorised SyncWell", async function (this: SyncWellWorld) {
  await authorise(this, "polar");
});

When("SyncWell exchanges the athlete's authorization code", async function (this: SyncWellWorld) {
  await stravaToken(this, { grant_type: "authorization_code", code: this.user("strava").authorizationCode });
});

Then("it receives a 6-hour access token and a refresh token", function (this: SyncWellWorld) {
  const { status, body } = this.lastReply;
  assert.equal(status, 200);
  assert.ok(body.expires_in > 6 * 3600 - 60 && body.expires_in <= 6 * 3600, `expires_in ${body.expires_in}`);
  assert.ok(body.access_token && body.refresh_token);
  assert.equal(String(body.athlete.id), this.user("strava").partnerUserId);
});

Then("the authorization code cannot be used a second time", async function (this: SyncWellWorld) {
  const again = await stravaToken(this, { grant_type: "authorization_code", code: this.user("strava").authorizationCode });
  assert.equal(again.status, 400);
  assert.equal(again.body.errors[0].resource, "AuthorizationCode");
});

Given("the athlete's access token has expired", async function (this: SyncWellWorld) {
  const user = this.user("strava");
  await request(this.partner(`/strava/_admin/users/${user.partnerUserId}/expire-tokens`), { method: "POST" });
  const denied = await request(this.partner("/strava/api/v3/athlete"), { token: user.accessToken });
  assert.equal(denied.status, 401);
});

When("SyncWell refreshes the athlete's token", async function (this: SyncWellWorld) {
  const user = this.user("strava");
  this.previous = { accessToken: user.accessToken, refreshToken: user.refreshToken };
  await stravaToken(this, { grant_type: "refresh_token", refresh_token: user.refreshToken ?? "" });
});

Then("it receives a new access token and a new refresh token", async function (this: SyncWellWorld) {
  const { status, body } = this.lastReply;
  assert.equal(status, 200);
  assert.notEqual(body.access_token, this.previous.accessToken);
  assert.notEqual(body.refresh_token, this.previous.refreshToken);
  const works = await request(this.partner("/strava/api/v3/athlete"), { token: body.access_token });
  assert.equal(works.status, 200);
});

Then("the old refresh token no longer works", async function (this: SyncWellWorld) {
  const stale = await stravaToken(this, { grant_type: "refresh_token", refresh_token: this.previous.refreshToken ?? "" });
  assert.equal(stale.status, 400);
});

Given("Strava allows {int} read requests per 15 minutes", async function (this: SyncWellWorld, limit: number) {
  await request(this.partner("/_admin/rate-limits"), { method: "DELETE" });
  const reply = await request(this.partner("/_admin/rate-limits"), { json: { provider: "strava", limits: { "read:15min": limit } } });
  assert.equal(reply.status, 200, reply.text);
});

When("SyncWell lists the athlete's activities {int} times", async function (this: SyncWellWorld, times: number) {
  this.replies = [];
  for (let i = 0; i < times; i++)
    await this.call(this.partner("/strava/api/v3/athlete/activities"), { token: this.user("strava").accessToken });
});

Then("the last answer is a 429 with Strava's rate-limit error", function (this: SyncWellWorld) {
  assert.equal(this.lastReply.status, 429);
  assert.deepEqual(this.lastReply.body, {
    message: "Rate Limit Exceeded",
    errors: [{ resource: "Application", field: "rate limit", code: "exceeded" }],
  });
});

Then("every answer reports the 15-minute and daily usage in Strava's headers", function (this: SyncWellWorld) {
  const lists = this.replies;
  assert.deepEqual(
    lists.map((r) => r.headers.get("x-readratelimit-usage")),
    ["1,1", "2,2", "3,3"],
  );
  for (const reply of lists) assert.match(reply.headers.get("x-ratelimit-limit") ?? "", /^\d+,\d+$/);
});

Given("the user records {int} workouts", async function (this: SyncWellWorld, count: number) {
  const user = this.user("polar");
  const reply = await request(this.partner(`/polar/_admin/users/${user.partnerUserId}/activities`), {
    json: Array.from({ length: count }, (_, i) => workout(i + 1)),
  });
  assert.equal(reply.status, 201, reply.text);
});

Then("Polar's pull notifications list the user", async function (this: SyncWellWorld) {
  const reply = await request(this.partner("/polar/v3/notifications"), { headers: { authorization: POLAR_BASIC } });
  assert.equal(reply.status, 200);
  const ids = reply.body["available-user-data"].map((n: { "user-id": number }) => String(n["user-id"]));
  assert.ok(ids.includes(this.user("polar").partnerUserId));
});

When("SyncWell reads the new exercises in one transaction and commits it", async function (this: SyncWellWorld) {
  const user = this.user("polar");
  const base = `/polar/v3/users/${user.partnerUserId}/exercise-transactions`;
  const created = await request(this.partner(base), { method: "POST", token: user.accessToken });
  assert.equal(created.status, 201, created.text);
  const tx = created.body["transaction-id"];
  const listed = await request(this.partner(`${base}/${tx}`), { token: user.accessToken });
  for (const url of listed.body.exercises as string[]) {
    const exercise = await request(this.partner(new URL(url).pathname), { token: user.accessToken });
    assert.equal(exercise.status, 200);
    this.exercisesRead += 1;
  }
  const committed = await request(this.partner(`${base}/${tx}`), { method: "PUT", token: user.accessToken });
  assert.equal(committed.status, 200);
});

Then("SyncWell has read {int} exercises", function (this: SyncWellWorld, count: number) {
  assert.equal(this.exercisesRead, count);
});

Then("Polar has nothing new for the user", async function (this: SyncWellWorld) {
  const user = this.user("polar");
  const next = await request(this.partner(`/polar/v3/users/${user.partnerUserId}/exercise-transactions`), {
    method: "POST",
    token: user.accessToken,
  });
  assert.equal(next.status, 204);
});
