import { toGpx } from "@syncwell/core";
import { ok } from "../client.ts";
import type { Call } from "./replayAws.ts";
import { type ReplayPlan, totalCalls } from "./replayPlan.ts";

const DAY = 86400;
const PAGE = 100;

/** The bench's workouts: `count` runs 35 min apart, 30 min long, with 60 heart-rate samples (as the engine's jobs read them). */
export function benchWorkouts(name: string, count: number, offset = 0) {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return Array.from({ length: count }, (_, i) => {
    const start = now - (i + offset + 1) * 35 * 60_000;
    return {
      type: "run",
      name: `${name} ${i}`,
      startTime: new Date(start).toISOString(),
      endTime: new Date(start + 30 * 60_000).toISOString(),
      samples: Array.from({ length: 60 }, (_, s) => ({ offsetSeconds: s * 30, heartRate: 120 + (s % 30) })),
    };
  });
}

/** Adds workouts to a partner account, at most 1,000 a request (the test-control API's limit). */
export async function addWorkouts(providersMock: string, provider: string, partnerUserId: string, workouts: object[]) {
  for (let i = 0; i < workouts.length; i += 1000)
    await ok("POST", `${providersMock}/${provider}/_admin/users/${partnerUserId}/activities`, { json: workouts.slice(i, i + 1000) });
}

/**
 * Raw partner calls shaped like the engine's adapters make them (same endpoint, query and upload
 * body size), with accounts of the replay's own: a Strava athlete holding `sourceRecords`
 * workouts and a Garmin user to upload to, each with a token from the partner's OAuth endpoint.
 */
export async function partnerCalls(plan: ReplayPlan) {
  const { providersMock, clients } = plan.endpoints;
  const ready = new Map<string, Call>();
  const missing: string[] = [];
  const wanted = new Set(plan.partner.map((p) => p.key.split(".")[0]));
  const account = async (provider: "strava" | "garmin", tokenPath: string) => {
    const user = await ok<{ partnerUserId: string; authorizationCode: string }>("POST", `${providersMock}/${provider}/_admin/users`);
    const grant = await fetch(`${providersMock}/${provider}${tokenPath}`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: user.authorizationCode,
        client_id: clients[provider].id,
        client_secret: clients[provider].secret,
      }),
    });
    if (!grant.ok) throw new Error(`${provider} token: ${grant.status} ${await grant.text()}`);
    return { id: String(user.partnerUserId), token: ((await grant.json()) as { access_token: string }).access_token };
  };
  const get = async (url: string, token: string) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status >= 400) throw new Error(`GET ${url} → ${res.status}`);
  };

  if (wanted.has("strava")) {
    const strava = await account("strava", "/oauth/token");
    if (plan.sourceRecords > 0) await addWorkouts(providersMock, "strava", strava.id, benchWorkouts("Replay", plan.sourceRecords));
    const ids = (await ok<{ id: string }[]>("GET", `${providersMock}/strava/_admin/users/${strava.id}/activities`)).map((a) => a.id);
    const after = Math.floor(Date.now() / 1000) - 30 * DAY;
    ready.set("strava.list_metadata", (_unit, nth) =>
      get(`${providersMock}/strava/api/v3/athlete/activities?after=${after}&page=${nth + 1}&per_page=${PAGE}`, strava.token),
    );
    if (ids.length > 0)
      ready.set("strava.get_payload", (unit, nth) =>
        get(
          `${providersMock}/strava/api/v3/activities/${ids[(unit * plan.sourceRecords + nth) % ids.length]}/streams?keys=time,heartrate,latlng&key_by_type=true`,
          strava.token,
        ),
      );
  }
  if (wanted.has("garmin")) {
    const garmin = await account("garmin", "/di-oauth2-service/oauth/token");
    const creates = totalCalls(plan, plan.partner.find((p) => p.key === "garmin.create")?.perUnit ?? 0);
    // The upload files, built beforehand (the engine builds its own from the fetched payload).
    const files = benchWorkouts("Upload", creates).map((w, i) =>
      toGpx({ ...w, type: "run", externalId: `replay-${i}-${garmin.id}`, samples: w.samples }),
    );
    let next = 0;
    ready.set("garmin.create", async () => {
      const form = new FormData();
      const i = next++;
      form.set("file", new Blob([files[i % Math.max(1, files.length)] ?? ""], { type: "application/gpx+xml" }), `replay-${i}.gpx`);
      const res = await fetch(`${providersMock}/garmin/upload-service/upload`, {
        method: "POST",
        headers: { authorization: `Bearer ${garmin.token}` },
        body: form,
      });
      await res.arrayBuffer();
      if (res.status >= 400 && res.status !== 409) throw new Error(`garmin upload → ${res.status}`);
    });
    const end = Math.floor(Date.now() / 1000);
    ready.set("garmin.list_metadata", () =>
      get(
        `${providersMock}/garmin/wellness-api/rest/activities?uploadStartTimeInSeconds=${end - DAY}&uploadEndTimeInSeconds=${end}`,
        garmin.token,
      ),
    );
  }
  for (const { key } of plan.partner) if (!ready.has(key)) missing.push(key);
  return { calls: ready, missing };
}
