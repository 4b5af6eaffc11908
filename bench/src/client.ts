import { signJwt } from "@syncwell/core";

/** HTTP helpers the bench and the chaos run share: JSON in, JSON out, a clear error otherwise. */
export async function http<T = Record<string, unknown>>(
  method: string,
  url: string,
  options: { json?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(options.json === undefined ? {} : { "content-type": "application/json" }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** POST/GET that must succeed (2xx), else throws with the answer. */
export async function ok<T = Record<string, unknown>>(method: string, url: string, options: Parameters<typeof http>[2] = {}): Promise<T> {
  const reply = await http<T>(method, url, options);
  if (reply.status >= 300) throw new Error(`${method} ${url} → ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Sum of a metric's samples (all label sets) on a service's /metrics. */
export async function metric(serviceUrl: string, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const pct = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A SyncWell user with a partner account at `source` and `destination` and a sync config between them. */
export interface SyncUser {
  userId: string;
  token: string;
  syncConfigId: string;
  sourceUserId: string;
  destinationUserId: string;
}

export async function createSyncUser(
  urls: { gateway: string; providersMock: string },
  jwtSecret: string,
  userId: string,
  options: { source?: string; destination?: string; strategy?: string; dataType?: string } = {},
): Promise<SyncUser> {
  const { source = "strava", destination = "garmin", strategy = "source_wins", dataType = "workouts" } = options;
  const token = signJwt(jwtSecret, userId, 24 * 3600);
  const connect = async (provider: string) => {
    const partner = await ok<{ partnerUserId: string; authorizationCode: string }>(
      "POST",
      `${urls.providersMock}/${provider}/_admin/users`,
    );
    const connection = await ok<{ connectionId: string }>("POST", `${urls.gateway}/v1/connections`, {
      token,
      json: { provider, authorizationCode: partner.authorizationCode },
    });
    return { partnerUserId: String(partner.partnerUserId), connectionId: connection.connectionId };
  };
  const [s, d] = [await connect(source), await connect(destination)];
  const config = await ok<{ syncConfigId: string }>("POST", `${urls.gateway}/v1/sync-configs`, {
    token,
    json: {
      sourceConnectionId: s.connectionId,
      destinationConnectionId: d.connectionId,
      dataType,
      conflictResolutionStrategy: strategy,
    },
  });
  return { userId, token, syncConfigId: config.syncConfigId, sourceUserId: s.partnerUserId, destinationUserId: d.partnerUserId };
}
