import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "../aws/tableDesign.ts";
import { isConditionFailure, TableItems } from "./TableItems.ts";
import type { IdempotencyRecord } from "./types.ts";

/** Idempotency records: one per (user, Idempotency-Key), kept `ttlSeconds`. */
export class IdempotencyItems extends TableItems {
  /** Claims a (user, key) for 24 h; answers the existing record when somebody holds it. */
  async claimIdempotencyKey(
    userId: string,
    keyHash: string,
    record: IdempotencyRecord,
    ttlSeconds: number,
  ): Promise<{ claimed: true } | { claimed: false; existing: IdempotencyRecord }> {
    const nowSeconds = Math.floor(this.now() / 1000);
    const key = { pk: keys.idempotency(userId, keyHash), sk: "IDEMP" };
    try {
      await this.deps.db.send(
        new PutCommand({
          TableName: this.options.table,
          Item: { ...key, type: "idempotency", ...record, expiresAt: nowSeconds + ttlSeconds },
          // An expired record is absent, whether or not DynamoDB has deleted it yet.
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt <= :now",
          ExpressionAttributeValues: { ":now": nowSeconds },
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.deps.db.send(new GetCommand({ TableName: this.options.table, Key: key, ConsistentRead: true }));
    if (!Item) return this.claimIdempotencyKey(userId, keyHash, record, ttlSeconds);
    return {
      claimed: false,
      existing: { jobId: String(Item.jobId), fingerprint: String(Item.fingerprint) },
    };
  }

  async releaseIdempotencyKey(userId: string, keyHash: string): Promise<void> {
    await this.deps.db.send(
      new DeleteCommand({ TableName: this.options.table, Key: { pk: keys.idempotency(userId, keyHash), sk: "IDEMP" } }),
    );
  }
}
