import { setWorldConstructor, World } from "@cucumber/cucumber";
import { type Reply, request } from "./http.ts";
import { stack } from "./platform.ts";

/** A partner user as a scenario knows it. */
export interface PartnerUser {
  provider: string;
  partnerUserId: string;
  authorizationCode: string;
  accessToken?: string;
  refreshToken?: string;
}

/** Per-scenario state: the users it created and the replies it got. */
export class SyncWellWorld extends World {
  users = new Map<string, PartnerUser>();
  replies: Reply[] = [];
  previous: { accessToken?: string; refreshToken?: string } = {};
  exercisesRead = 0;

  partner(path: string): string {
    return `${stack().providersMock}${path}`;
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

  async call(url: string, options: Parameters<typeof request>[1] = {}): Promise<Reply> {
    const reply = await request(url, options);
    this.replies.push(reply);
    return reply;
  }
}

setWorldConstructor(SyncWellWorld);
