import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isExpired, keys } from "../aws/tableDesign.ts";
import type { JobMessage } from "../contracts/jobMessage.ts";
import { isConditionFailure, TableItems } from "./TableItems.ts";
import type { JobRecord } from "./types.ts";

/** Fields a job status write sets. */
export type JobPatch = Partial<Pick<JobRecord, "status" | "recordsWritten" | "errorCategory" | "errorMessage">>;

/** What a claim found: run the job, or it is a replay of a key whose job already exists. */
export type JobClaim = "run" | "replay";

const strip = (item: Record<string, unknown>): JobRecord => {
  const { pk: _pk, sk: _sk, type: _t, expiresAt: _e, ...job } = item;
  return job as unknown as JobRecord;
};

/** The job status items (`JOB#{jobId}` / `JOB`, with a TTL). */
export class JobItems extends TableItems {
  async putJob(job: JobRecord, ttlSeconds: number): Promise<void> {
    await this.deps.db.send(
      new PutCommand({
        TableName: this.options.table,
        Item: { pk: keys.job(job.jobId), sk: "JOB", type: "job", ...job, expiresAt: Math.floor(this.now() / 1000) + ttlSeconds },
      }),
    );
  }

  async getJob(jobId: string): Promise<JobRecord | undefined> {
    const { Item } = await this.deps.db.send(
      new GetCommand({ TableName: this.options.table, Key: { pk: keys.job(jobId), sk: "JOB" }, ConsistentRead: true }),
    );
    if (!Item || isExpired(Item, this.now())) return undefined;
    return strip(Item);
  }

  /**
   * Sets fields of an existing job and answers it (undefined: no such job). `increment` adds one
   * to a counter atomically: a failed attempt (also stamping `firstFailedAt`) or a rate-limit wait.
   */
  async updateJob(
    jobId: string,
    patch: Partial<Omit<JobRecord, "jobId" | "attempts" | "rateLimitWaits">>,
    increment?: "attempts" | "rateLimitWaits",
  ): Promise<JobRecord | undefined> {
    const names: Record<string, string> = { "#u": "updatedAt" };
    const values: Record<string, unknown> = { ":u": new Date(this.now()).toISOString() };
    const sets = ["#u = :u"];
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined || field === "updatedAt") continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    let expression = `SET ${sets.join(", ")}`;
    if (increment) {
      names["#c"] = increment;
      values[":one"] = 1;
      if (increment === "attempts") {
        names["#f"] = "firstFailedAt";
        expression += ", #f = if_not_exists(#f, :u)";
      }
      expression += " ADD #c :one";
    }
    try {
      const { Attributes } = await this.deps.db.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { pk: keys.job(jobId), sk: "JOB" },
          UpdateExpression: expression,
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      if (!Attributes) return undefined;
      return strip(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Sets the status of a job in one write, creating the item if it is missing (webhook and poll
   * jobs, and jobs API Gateway enqueued, have none yet): the job's identity fields and its
   * creation time are set only where absent. Answers the item as written.
   */
  async recordJob(job: JobMessage, patch: JobPatch, ttlSeconds: number, increment?: "attempts" | "rateLimitWaits"): Promise<JobRecord> {
    const now = new Date(this.now()).toISOString();
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ":job": job.jobId,
      ":now": now,
      ":user": job.userId,
      ":config": job.syncConfigId,
      ":trigger": job.trigger,
      ":requested": job.requestedAt,
      ":type": "job",
      ":expires": Math.floor(this.now() / 1000) + ttlSeconds,
    };
    const sets = [
      "jobId = :job",
      "updatedAt = :now",
      "userId = if_not_exists(userId, :user)",
      "syncConfigId = if_not_exists(syncConfigId, :config)",
      "#trigger = if_not_exists(#trigger, :trigger)",
      "requestedAt = if_not_exists(requestedAt, :requested)",
      "createdAt = if_not_exists(createdAt, :now)",
      "#type = :type",
      "expiresAt = if_not_exists(expiresAt, :expires)",
    ];
    names["#trigger"] = "trigger";
    names["#type"] = "type";
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    let add = "";
    if (increment === "attempts") {
      sets.push("firstFailedAt = if_not_exists(firstFailedAt, :now)");
      add = " ADD attempts :one";
      values[":one"] = 1;
    } else {
      sets.push("attempts = if_not_exists(attempts, :zero)");
      values[":zero"] = 0;
      if (increment === "rateLimitWaits") {
        add = " ADD rateLimitWaits :one";
        values[":one"] = 1;
      }
    }
    const { Attributes } = await this.deps.db.send(
      new UpdateCommand({
        TableName: this.options.table,
        Key: { pk: keys.job(job.jobId), sk: "JOB" },
        UpdateExpression: `SET ${sets.join(", ")}${add}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
      }),
    );
    return strip(Attributes ?? {});
  }

  /**
   * Claims a job for its run in one conditional write (it becomes `in_progress`): granted when the
   * item is missing or belongs to the same request (a redelivery). Refused, it is a replay of the
   * key (the job id is a function of user and key): within `replayWindowMs` of the job's creation
   * nothing runs; after it, the key starts a fresh job under the same id.
   */
  async claimJob(job: JobMessage, ttlSeconds: number, replayWindowMs: number): Promise<JobClaim> {
    const claim = (expression: string, condition?: string) =>
      this.deps.db.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { pk: keys.job(job.jobId), sk: "JOB" },
          UpdateExpression: `SET jobId = :job, #s = :s, updatedAt = :now, userId = :user, syncConfigId = :config, #trigger = :trigger, requestedAt = :requested, #type = :type, ${expression}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { "#s": "status", "#trigger": "trigger", "#type": "type" },
          ExpressionAttributeValues: {
            ":job": job.jobId,
            ":s": "in_progress",
            ":now": new Date(this.now()).toISOString(),
            ":user": job.userId,
            ":config": job.syncConfigId,
            ":trigger": job.trigger,
            ":requested": job.requestedAt,
            ":zero": 0,
            ":type": "job",
            ":expires": Math.floor(this.now() / 1000) + ttlSeconds,
          },
        }),
      );
    try {
      await claim(
        "createdAt = if_not_exists(createdAt, :now), attempts = if_not_exists(attempts, :zero), expiresAt = if_not_exists(expiresAt, :expires)",
        "attribute_not_exists(pk) OR requestedAt = :requested",
      );
      return "run";
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const previous = await this.getJob(job.jobId);
    if (previous && this.now() - Date.parse(previous.createdAt) < replayWindowMs) return "replay";
    // After the window the key starts a fresh job under the same id (an update, so the job's one grant is UpdateItem).
    await claim(
      "createdAt = :now, attempts = :zero, expiresAt = :expires REMOVE rateLimitWaits, recordsWritten, errorCategory, errorMessage, firstFailedAt",
    );
    return "run";
  }
}
