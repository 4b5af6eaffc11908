import { createHmac } from "node:crypto";
import { http, ok } from "../client.ts";
import type { Action, ActivitySpec, CreatedRecord, PartnerRecord, Provider } from "./types.ts";

/** Partner secrets the mocks and the gateway share (the development defaults unless the platform was given others). */
export interface PartnerSecrets {
  garminClientId: string;
  ouraClientSecret: string;
  stravaSubscriptionId: number;
}
export const DEV_PARTNER_SECRETS: PartnerSecrets = {
  garminClientId: "syncwell-garmin",
  ouraClientSecret: "dev-oura-secret",
  stravaSubscriptionId: 1,
};

/** providers-mock's test-control API (SPEC §13), as the scenario needs it. */
export class Partners {
  constructor(
    private readonly urls: { providersMock: string; gateway: string },
    private readonly secrets: PartnerSecrets = DEV_PARTNER_SECRETS,
  ) {}

  async createUser(provider: Provider): Promise<{ partnerUserId: string; authorizationCode: string }> {
    const user = await ok<{ partnerUserId: string | number; authorizationCode: string }>(
      "POST",
      `${this.urls.providersMock}/${provider}/_admin/users`,
    );
    return { partnerUserId: String(user.partnerUserId), authorizationCode: user.authorizationCode };
  }

  /** A fresh single-use authorization code for an existing partner user. */
  async authorizationCode(provider: Provider, partnerUserId: string): Promise<string> {
    const reply = await ok<{ authorizationCode: string }>(
      "POST",
      `${this.urls.providersMock}/${provider}/_admin/users/${partnerUserId}/authorization-codes`,
    );
    return reply.authorizationCode;
  }

  /** Records a workout (the partner fires its webhook, where it has one); times are relative to `anchorMs`. */
  async record(partnerUserId: string, a: ActivitySpec, anchorMs: number, seq: number, label: string): Promise<CreatedRecord> {
    const at = (s: number) => new Date(anchorMs + s * 1000).toISOString();
    const body = {
      startTime: at(a.start),
      endTime: at(a.start + a.durationSeconds),
      type: a.type,
      name: `${label} ${a.key}`,
      // Privacy is its own feature (SPEC §15): the model's workouts are public, said explicitly.
      private: false,
      samples: heartRate(a),
      ...(a.updatedAt !== undefined ? { updatedAt: at(a.updatedAt) } : {}),
      ...(a.utcOffsetSeconds ? { utcOffsetSeconds: a.utcOffsetSeconds } : {}),
    };
    const [stored] = await ok<PartnerRecord[]>(
      "POST",
      `${this.urls.providersMock}/${a.provider}/_admin/users/${partnerUserId}/activities`,
      {
        json: [body],
      },
    );
    if (!stored) throw new Error(`${a.provider} stored nothing for ${a.key}`);
    return { key: a.key, provider: a.provider, seq, ...pick(stored) };
  }

  /**
   * Renames a workout at its partner (and ends it `shortenSeconds` earlier): the partner tells of the
   * edit its own way. Undefined when the partner no longer has it (another config replaced it).
   */
  async edit(partnerUserId: string, record: CreatedRecord, label: string, shortenSeconds?: number): Promise<CreatedRecord | undefined> {
    const body = {
      name: `${label} ${record.key} renamed`,
      ...(shortenSeconds ? { endTime: new Date(Date.parse(record.endTime) - shortenSeconds * 1000).toISOString() } : {}),
    };
    const res = await http<PartnerRecord>("PATCH", this.activityUrl(record, partnerUserId), { json: body });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`editing ${record.provider} ${record.id}: ${res.status}`);
    const edited = {
      renamed: true,
      retimed: shortenSeconds !== undefined || record.edited?.retimed === true,
      originalName: record.edited?.originalName ?? record.name,
      originalStart: record.edited?.originalStart ?? record.startTime,
      originalEnd: record.edited?.originalEnd ?? record.endTime,
      pastSpans: [...(record.edited?.pastSpans ?? []), { startTime: record.startTime, endTime: record.endTime }],
    };
    return { ...record, ...pick(res.body), edited };
  }

  /** Deletes a workout at its partner (Strava and Oura tell their subscribers); false when it was gone already. */
  async remove(partnerUserId: string, record: CreatedRecord): Promise<boolean> {
    const res = await http("DELETE", this.activityUrl(record, partnerUserId));
    if (res.status === 404) return false;
    if (res.status !== 204) throw new Error(`deleting ${record.provider} ${record.id}: ${res.status}`);
    return true;
  }

  private activityUrl(record: CreatedRecord, partnerUserId: string): string {
    return `${this.urls.providersMock}/${record.provider}/_admin/users/${partnerUserId}/activities/${encodeURIComponent(record.id)}`;
  }

  async list(provider: Provider, partnerUserId: string): Promise<PartnerRecord[]> {
    const records = await ok<PartnerRecord[]>("GET", `${this.urls.providersMock}/${provider}/_admin/users/${partnerUserId}/activities`);
    return records.map((r) => ({ ...pick(r), ...(r.externalId ? { externalId: r.externalId } : {}) }));
  }

  async fault(f: Extract<Action, { kind: "fault" }>): Promise<void> {
    await ok("POST", `${this.urls.providersMock}/_admin/faults`, {
      json: { provider: f.provider, operation: f.operation, status: f.status, times: f.times },
    });
  }

  /** Delivers the partner's webhook for a recorded workout once more, as the partner's own retry would. */
  async redeliver(record: CreatedRecord, partnerUserId: string): Promise<number> {
    const gateway = `${this.urls.gateway}/webhooks/${record.provider}`;
    const now = Math.floor(Date.now() / 1000);
    if (record.provider === "strava") {
      const event = {
        object_type: "activity",
        object_id: Number(record.id),
        aspect_type: "create",
        owner_id: Number(partnerUserId),
        subscription_id: this.secrets.stravaSubscriptionId,
        event_time: Math.floor(Date.parse(record.updatedAt) / 1000),
        updates: {},
      };
      return (await http("POST", gateway, { json: event })).status;
    }
    if (record.provider === "garmin") {
      const from = Math.floor(Date.parse(record.updatedAt) / 1000);
      const window = `uploadStartTimeInSeconds=${from}&uploadEndTimeInSeconds=${from + 1}`;
      const callbackURL = `${this.urls.providersMock}/garmin/wellness-api/rest/activities?${window}`;
      const ping = {
        activities: [{ userId: partnerUserId, uploadStartTimeInSeconds: from, uploadEndTimeInSeconds: from + 1, callbackURL }],
      };
      return (await http("POST", gateway, { json: ping, headers: { "garmin-client-id": this.secrets.garminClientId } })).status;
    }
    if (record.provider === "oura") {
      const body = JSON.stringify({
        event_type: "create",
        data_type: "workout",
        object_id: record.id,
        event_time: record.updatedAt,
        user_id: partnerUserId,
      });
      const timestamp = String(now);
      const signature = createHmac("sha256", this.secrets.ouraClientSecret)
        .update(timestamp + body)
        .digest("hex")
        .toUpperCase();
      const res = await fetch(gateway, {
        method: "POST",
        headers: { "content-type": "application/json", "x-oura-timestamp": timestamp, "x-oura-signature": signature },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    }
    return 0; // Polar has no webhooks
  }
}

/**
 * A few heart-rate samples, as a watch records them: a workout with samples is an upload at Strava
 * (which carries SyncWell's external id), not a manual activity (`POST /api/v3/activities` takes none).
 */
export function heartRate(a: Pick<ActivitySpec, "durationSeconds" | "key">): { offsetSeconds: number; heartRate: number }[] {
  const base = 110 + (Number(a.key.replace(/\D/g, "")) % 40);
  return [0, 0.25, 0.5, 0.75, 1].map((f, i) => ({ offsetSeconds: Math.floor(f * a.durationSeconds), heartRate: base + i * 5 }));
}

const pick = (r: PartnerRecord) => ({
  id: String(r.id),
  startTime: r.startTime,
  endTime: r.endTime,
  type: r.type,
  name: r.name,
  updatedAt: r.updatedAt,
});
