import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** True when a conditional write was refused (the expected "somebody else got there first"). */
export const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === "ConditionalCheckFailedException";

/** What every item group of `SyncWellMetadata` needs: the client, the table and a clock. */
export abstract class TableItems {
  constructor(
    protected readonly deps: { db: DynamoDBDocumentClient; now?: () => number },
    protected readonly options: { table: string },
  ) {}

  protected now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
