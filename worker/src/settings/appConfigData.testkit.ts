import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@syncwell/core";

/** One request the server answered, as the tests inspect it. */
export interface AppConfigDataRequest {
  operation: "StartConfigurationSession" | "GetLatestConfiguration" | "unknown";
  /** StartConfigurationSession's JSON body, or GetLatestConfiguration's token. */
  body?: Record<string, unknown>;
  token?: string;
  authorization: string;
  status: number;
}

interface Session {
  deliveredVersion: number;
  intervalSeconds: number;
}

/**
 * A small AppConfig Data service on loopback, speaking the protocol of the API reference
 * (AppConfig 2019-10-09 API Reference, "AWS AppConfig Data"): REST-JSON,
 * `POST /configurationsessions` → 201 `{"InitialConfigurationToken"}`, and
 * `GET /configuration?configuration_token=…` → 200 with the configuration as the body (empty when
 * the session already holds the latest version) and the `Next-Poll-Configuration-Token`,
 * `Next-Poll-Interval-In-Seconds`, `Content-Type` and `Version-Label` headers. Each token is good for
 * one call; errors carry `x-amzn-ErrorType` and a `Message`. What it does not model: the minimum
 * poll interval is reported but not enforced, and tokens do not expire after 24 h unless told.
 */
export class AppConfigDataServer {
  readonly requests: AppConfigDataRequest[] = [];
  /** What GetLatestConfiguration names as the next interval when the session set no minimum. @defaultValue 60 */
  pollIntervalSeconds = 60;
  #server = createServer((req, res) => void this.#handle(req, res));
  #url = "";
  #deployment: { version: number; content: string; contentType: string } | undefined;
  #sessions = new Map<string, Session>();
  /** Live tokens → their session. A used token is removed (one call each). */
  #tokens = new Map<string, string>();
  #failures: { operation: string; status: number; type: string }[] = [];

  constructor(readonly location: { application: string; environment: string; profile: string }) {}

  get url(): string {
    return this.#url;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** A new hosted configuration version, deployed: sessions receive it at their next poll. */
  deploy(content: string, contentType = "application/json"): void {
    this.#deployment = { version: (this.#deployment?.version ?? 0) + 1, content, contentType };
  }

  /** The next call of `operation` fails with `status` and the error `type` (e.g. 500 InternalServerException). */
  failNext(operation: AppConfigDataRequest["operation"], status: number, type: string): void {
    this.#failures.push({ operation, status, type });
  }

  /** Every outstanding token stops working, as after 24 h: the next GetLatestConfiguration answers 400. */
  expireTokens(): void {
    this.#tokens.clear();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", this.#url);
    const operation =
      req.method === "POST" && url.pathname === "/configurationsessions"
        ? "StartConfigurationSession"
        : req.method === "GET" && url.pathname === "/configuration"
          ? "GetLatestConfiguration"
          : "unknown";
    const record: AppConfigDataRequest = { operation, authorization: String(req.headers.authorization ?? ""), status: 0 };
    this.requests.push(record);
    const answer = (status: number, headers: Record<string, string>, body: string | Buffer = "") => {
      record.status = status;
      res.writeHead(status, { "x-amzn-RequestId": randomUUID(), ...headers });
      res.end(body);
    };
    const fail = (status: number, type: string, message: string) =>
      answer(status, { "content-type": "application/json", "x-amzn-ErrorType": type }, JSON.stringify({ Message: message }));

    const injected = this.#failures.findIndex((f) => f.operation === operation);
    if (injected >= 0) {
      const [failure] = this.#failures.splice(injected, 1);
      if (failure) return fail(failure.status, failure.type, "injected failure");
    }
    if (operation === "StartConfigurationSession") {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return fail(400, "BadRequestException", "body is not JSON");
      }
      record.body = body;
      const { application, environment, profile } = this.location;
      if (body.ApplicationIdentifier !== application || body.EnvironmentIdentifier !== environment)
        return fail(404, "ResourceNotFoundException", "application or environment not found");
      if (body.ConfigurationProfileIdentifier !== profile) return fail(404, "ResourceNotFoundException", "profile not found");
      const minimum = body.RequiredMinimumPollIntervalInSeconds;
      if (minimum !== undefined && (typeof minimum !== "number" || minimum < 15 || minimum > 86_400))
        return fail(400, "BadRequestException", "RequiredMinimumPollIntervalInSeconds must be from 15 to 86400");
      const session = randomUUID();
      this.#sessions.set(session, { deliveredVersion: 0, intervalSeconds: (minimum as number | undefined) ?? this.pollIntervalSeconds });
      const token = randomUUID();
      this.#tokens.set(token, session);
      return answer(201, { "content-type": "application/json" }, JSON.stringify({ InitialConfigurationToken: token }));
    }
    if (operation === "GetLatestConfiguration") {
      const token = url.searchParams.get("configuration_token") ?? "";
      record.token = token;
      const sessionId = this.#tokens.get(token);
      const session = sessionId ? this.#sessions.get(sessionId) : undefined;
      if (!sessionId || !session) return fail(400, "BadRequestException", "the token is expired, used or unknown");
      this.#tokens.delete(token);
      const next = randomUUID();
      this.#tokens.set(next, sessionId);
      const deployment = this.#deployment;
      const fresh = deployment && deployment.version !== session.deliveredVersion;
      if (deployment) session.deliveredVersion = deployment.version;
      return answer(
        200,
        {
          "Next-Poll-Configuration-Token": next,
          "Next-Poll-Interval-In-Seconds": String(session.intervalSeconds),
          "Content-Type": deployment?.contentType ?? "application/octet-stream",
          ...(fresh ? { "Version-Label": `v${deployment.version}` } : {}),
        },
        fresh ? Buffer.from(deployment.content, "utf8") : "",
      );
    }
    return fail(404, "UnknownOperationException", `${req.method} ${url.pathname}`);
  }
}

/** A scheduler the test fires by hand: it records each delay the source asks for. */
export function manualScheduler() {
  const pending: { delayMs: number; poll: () => Promise<void>; cancelled: boolean }[] = [];
  return {
    schedule: (delayMs: number, poll: () => Promise<void>) => {
      const entry = { delayMs, poll, cancelled: false };
      pending.push(entry);
      return {
        cancel: () => {
          entry.cancelled = true;
        },
      };
    },
    /** The delays asked for, in order. */
    get delays(): number[] {
      return pending.map((p) => p.delayMs);
    },
    /** Polls that are scheduled and not cancelled. */
    get waiting(): number {
      return pending.filter((p) => !p.cancelled).length;
    },
    /** Runs the oldest scheduled poll now and waits for it. */
    async fire(): Promise<void> {
      const entry = pending.find((p) => !p.cancelled);
      if (!entry) throw new Error("no poll is scheduled");
      entry.cancelled = true;
      await entry.poll();
    },
  };
}

/** A logger that keeps what it was told, by level. */
export function recordingLogger() {
  const lines: { level: "info" | "warn" | "error"; fields: unknown; message: string | undefined }[] = [];
  const at =
    (level: "info" | "warn" | "error") =>
    (fields: unknown, message?: string): void => {
      lines.push(typeof fields === "string" ? { level, fields: {}, message: fields } : { level, fields, message });
    };
  const logger = { info: at("info"), warn: at("warn"), error: at("error") } as unknown as Pick<Logger, "info" | "warn" | "error">;
  return { lines, logger };
}
