import { randomBytes } from "node:crypto";
import { setWorldConstructor, World } from "@cucumber/cucumber";
import { signJwt } from "@syncwell/core";
import { type Reply, request } from "./http.ts";
import { stack } from "./platform.ts";

/** A partner user as a scenario knows it. */
export interface PartnerUser {
  provider: string;
  partnerUserId: string;
  authorizationCode: string;
  accessToken?: string;
  refreshToken?: string;
  connectionId?: string;
}

/** Per-scenario state: its SyncWell user, the partner users it created and the replies it got. */
export class SyncWellWorld extends World {
  readonly userId = `user-${randomBytes(4).toString("hex")}`;
  readonly token = signJwt(stack().jwtSecret, this.userId, 3600);
  users = new Map<string, PartnerUser>();
  replies: Reply[] = [];
  previous: { accessToken?: string; refreshToken?: string } = {};
  exercisesRead = 0;
  syncConfigId?: string;
  source = "strava";
  destination = "garmin";
  jobIds: string[] = [];
  /** Sync configs by "source→destination", for scenarios with several. */
  configs = new Map<string, string>();
  /** Normalised activities this scenario recorded, by name. */
  recorded = new Map<string, { provider: string; startTime: string; endTime: string; id: string }>();
  lastSyncTimeBefore?: string;
  /** Support scenarios: the ticket, DLQ message and troubleshooter conversation in play. */
  ticketId?: string;
  dlqMessageId?: string;
  conversationId?: string;

  partner(path: string): string {
    return `${stack().providersMock}${path}`;
  }

  gateway(path: string): string {
    return `${stack().gateway}${path}`;
  }

  user(provider: string): PartnerUser {
    const user = this.users.get(provider);
    if (!user) throw new Error(`no ${provider} user in this scenario`);
    return user;
  }

  get lastReply(): Reply {
    const reply = this.replies.at(-1);
    if (!reply) throw new Error("no request made yet");
    return reply;
  }

  get lastJobId(): string {
    const id = this.jobIds.at(-1);
    if (!id) throw new Error("no job started yet");
    return id;
  }

  async call(url: string, options: Parameters<typeof request>[1] = {}): Promise<Reply> {
    const reply = await request(url, options);
    this.replies.push(reply);
    return reply;
  }

  /** A gateway call as this scenario's user. */
  async api(path: string, options: Parameters<typeof request>[1] = {}): Promise<Reply> {
    return this.call(this.gateway(path), { token: this.token, ...options });
  }
}

setWorldConstructor(SyncWellWorld);
