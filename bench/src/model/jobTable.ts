import { type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";

/** A job status item as the worker keeps it (the fields the oracle reads). */
export interface JobItem {
  jobId: string;
  userId: string;
  syncConfigId: string;
  trigger: string;
  status: string;
  attempts?: number;
  errorCategory?: string;
  errorMessage?: string;
}

/**
 * Every job of the run, including the webhook- and poll-triggered ones no client knows the id of:
 * the job items of SyncWellMetadata, read with one shared scan however many scenarios ask (a
 * caller waits for a scan that started after it asked, so what it sees is at least that fresh).
 */
export class JobTable {
  #latest: { startedAt: number; byUser: Map<string, JobItem[]> } = { startedAt: 0, byUser: new Map() };
  #running: Promise<void> | undefined;
  #scans = 0;
  #scanMs = 0;
  #scanned = 0;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly userPrefix: string,
  ) {}

  /** Scans made, their total time and the items the last one read (the table grows with the run). */
  get stats(): { scans: number; seconds: number; lastScanned: number } {
    return { scans: this.#scans, seconds: Math.round(this.#scanMs / 100) / 10, lastScanned: this.#scanned };
  }

  /** The jobs of `userId`, from a scan that started no earlier than `freshAfter` (epoch ms). */
  async jobsOf(userId: string, freshAfter = Date.now()): Promise<JobItem[]> {
    while (this.#latest.startedAt < freshAfter) {
      this.#running ??= this.#scan().finally(() => {
        this.#running = undefined;
      });
      await this.#running;
    }
    return this.#latest.byUser.get(userId) ?? [];
  }

  /** Every job of the run, from a scan that started no earlier than `freshAfter`. */
  async all(freshAfter = Date.now()): Promise<JobItem[]> {
    await this.jobsOf("", freshAfter);
    return [...this.#latest.byUser.values()].flat();
  }

  async #scan(): Promise<void> {
    const startedAt = Date.now();
    const byUser = new Map<string, JobItem[]>();
    let scanned = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: "#type = :job AND begins_with(userId, :prefix)",
          ProjectionExpression: "jobId, userId, syncConfigId, #trigger, #status, attempts, errorCategory, errorMessage",
          ExpressionAttributeNames: { "#type": "type", "#trigger": "trigger", "#status": "status" },
          ExpressionAttributeValues: { ":job": "job", ":prefix": this.userPrefix },
          ExclusiveStartKey,
        }),
      );
      for (const item of (page.Items ?? []) as JobItem[]) byUser.set(item.userId, [...(byUser.get(item.userId) ?? []), item]);
      scanned += page.ScannedCount ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    this.#scans += 1;
    this.#scanMs += Date.now() - startedAt;
    this.#scanned = scanned;
    this.#latest = { startedAt, byUser };
  }
}
