import { http, info, step } from "./demoHttp.ts";

/**
 * The demo's SPEC §18 part: a night of sleep from the Oura ring to Garmin Connect (Oura's webhook
 * starts the job), a weigh-in from the Withings scale to Garmin (Withings' form-encoded
 * notification starts it) and a workout from the phone (HealthKit, a device upload) to Strava.
 * Each is read back from the partner it reached.
 */
export async function healthDataDemo(d: { gateway: string; partners: string; token: string; now: number }): Promise<boolean> {
  const { gateway, partners, token } = d;
  const connect = async (provider: string) => {
    if (provider === "apple_health") return (await http(`${gateway}/v1/connections`, { token, json: { provider } })).connectionId as string;
    const user = await http(`${partners}/${provider}/_admin/users`, { method: "POST" });
    const connection = await http(`${gateway}/v1/connections`, { token, json: { provider, authorizationCode: user.authorizationCode } });
    return { connectionId: connection.connectionId as string, partnerUserId: user.partnerUserId as string };
  };
  const configure = async (source: string, destination: string, dataType: string) =>
    (
      await http(`${gateway}/v1/sync-configs`, {
        token,
        json: { sourceConnectionId: source, destinationConnectionId: destination, dataType },
      })
    ).syncConfigId as string;
  const until = async <T>(probe: () => Promise<T | undefined>): Promise<T | undefined> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  step("More than workouts (SPEC §18): the user also connects an Oura ring, a Withings scale, Garmin Connect, Strava and the phone");
  const oura = (await connect("oura")) as { connectionId: string; partnerUserId: string };
  const withings = (await connect("withings")) as { connectionId: string; partnerUserId: string };
  const garmin = (await connect("garmin")) as { connectionId: string; partnerUserId: string };
  const strava = (await connect("strava")) as { connectionId: string; partnerUserId: string };
  const phone = (await connect("apple_health")) as string;
  await configure(oura.connectionId, garmin.connectionId, "sleep");
  await configure(withings.connectionId, garmin.connectionId, "body");
  await configure(phone, strava.connectionId, "workouts");

  step("Last night the ring recorded 7.5 h of sleep; Oura's webhook names it, SyncWell reads it and writes it to Garmin");
  const start = Math.floor((d.now - 30 * 3600_000) / 1000) * 1000;
  const stages = [
    { stage: "light", startOffsetSeconds: 0, seconds: 5400 },
    { stage: "deep", startOffsetSeconds: 5400, seconds: 3600 },
    { stage: "rem", startOffsetSeconds: 9000, seconds: 1800 },
    { stage: "light", startOffsetSeconds: 10800, seconds: 16200 },
  ];
  const iso = (ms: number) => new Date(ms).toISOString();
  await http(`${partners}/oura/_admin/users/${oura.partnerUserId}/activities`, {
    json: [{ kind: "sleep", type: "other", name: "Sleep", startTime: iso(start), endTime: iso(start + 7.5 * 3600_000), sleep: { stages } }],
  });
  const night = await until(async () => {
    const held = await http(`${partners}/garmin/_admin/users/${garmin.partnerUserId}/activities?kind=sleep`);
    return held.length > 0 ? held[0] : undefined;
  });
  info(
    night
      ? `✔ Garmin holds the night ${night.startTime} → ${night.endTime}, stages ${night.sleep.stages.map((s: { stage: string }) => s.stage).join(" ")}`
      : "✖ the night did not reach Garmin",
  );

  step("This morning the user stepped on the Withings scale; Withings notifies SyncWell, which reads the weigh-in and writes it to Garmin");
  const morning = Math.floor((d.now - 2 * 3600_000) / 1000) * 1000;
  await http(`${partners}/withings/_admin/users/${withings.partnerUserId}/activities`, {
    json: [
      {
        kind: "body",
        type: "other",
        name: "Weigh-in",
        startTime: iso(morning),
        endTime: iso(morning),
        body: { weightKg: 71.8, fatPercent: 17.9 },
      },
    ],
  });
  const weighIn = await until(async () => {
    const held = await http(`${partners}/garmin/_admin/users/${garmin.partnerUserId}/activities?kind=body`);
    return held.length > 0 ? held[0] : undefined;
  });
  info(
    weighIn
      ? `✔ Garmin holds the weigh-in: ${weighIn.body.weightKg} kg, ${weighIn.body.fatPercent} % fat`
      : "✖ the weigh-in did not reach Garmin",
  );

  step("The phone uploads the run HealthKit recorded (POST /v1/device-uploads): it reaches Strava");
  const upload = await http(`${gateway}/v1/device-uploads`, {
    token,
    headers: { "idempotency-key": "demo-healthkit-1" },
    json: {
      connectionId: phone,
      records: [{ id: "HK-RUN-1", type: "run", name: "Morning run", startTime: iso(morning + 600_000), endTime: iso(morning + 2_700_000) }],
    },
  });
  info(`batch accepted: jobs ${upload.jobIds.join(", ")}`);
  const run = await until(async () => {
    const held = await http(`${partners}/strava/_admin/users/${strava.partnerUserId}/activities`);
    return held.length > 0 ? held[0] : undefined;
  });
  info(run ? `✔ Strava holds "${run.name}", ${run.startTime} → ${run.endTime}` : "✖ the run did not reach Strava");
  return Boolean(night && weighIn && run);
}
