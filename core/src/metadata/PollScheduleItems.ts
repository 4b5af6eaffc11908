import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { GSI2, keys } from "../aws/tableDesign.ts";
import { isConditionFailure, TableItems } from "./TableItems.ts";
import type { PollSchedule } from "./types.ts";

/** Poll schedules (`POLL#config`) with their slot leases. */
export class PollScheduleItems extends TableItems {
  async putPollSchedule(schedule: PollSchedule): Promise<void> {
    await this.deps.db.send(
      new PutCommand({
        TableName: this.options.table,
        Item: {
          pk: keys.poll(schedule.syncConfigId),
          sk: "SCHEDULE",
          gsi2pk: keys.pollShard(0),
          gsi2sk: schedule.nextPollAt,
          type: "poll",
          ...schedule,
        },
      }),
    );
  }

  async getPollSchedule(syncConfigId: string): Promise<PollSchedule | undefined> {
    const { Item } = await this.deps.db.send(
      new GetCommand({ TableName: this.options.table, Key: { pk: keys.poll(syncConfigId), sk: "SCHEDULE" }, ConsistentRead: true }),
    );
    return Item ? this.#schedule(Item) : undefined;
  }

  async deletePollSchedule(syncConfigId: string): Promise<void> {
    await this.deps.db.send(new DeleteCommand({ TableName: this.options.table, Key: { pk: keys.poll(syncConfigId), sk: "SCHEDULE" } }));
  }

  /** Schedules whose slot is due, oldest first. */
  async duePollSchedules(nowIso: string, limit: number): Promise<PollSchedule[]> {
    const { Items = [] } = await this.deps.db.send(
      new QueryCommand({
        TableName: this.options.table,
        IndexName: GSI2,
        KeyConditionExpression: "gsi2pk = :shard AND gsi2sk <= :now",
        ExpressionAttributeValues: { ":shard": keys.pollShard(0), ":now": nowIso },
        Limit: limit,
      }),
    );
    return Items.map((i) => this.#schedule(i));
  }

  /**
   * Takes the lease of one slot: succeeds only while the schedule still has this `nextPollAt` and
   * nobody holds a live lease, so several pollers never poll one config twice for one slot.
   */
  async leasePollSlot(syncConfigId: string, slot: string, owner: string, leaseSeconds: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.now() / 1000);
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { pk: keys.poll(syncConfigId), sk: "SCHEDULE" },
          UpdateExpression: "SET leaseOwner = :owner, leaseUntil = :until",
          ConditionExpression: "nextPollAt = :slot AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)",
          ExpressionAttributeValues: { ":owner": owner, ":until": nowSeconds + leaseSeconds, ":slot": slot, ":now": nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Moves the schedule to its next slot and releases the lease (only by the lease's owner). */
  async completePollSlot(owner: string, next: PollSchedule): Promise<boolean> {
    try {
      await this.deps.db.send(
        new PutCommand({
          TableName: this.options.table,
          Item: {
            pk: keys.poll(next.syncConfigId),
            sk: "SCHEDULE",
            gsi2pk: keys.pollShard(0),
            gsi2sk: next.nextPollAt,
            type: "poll",
            ...next,
          },
          ConditionExpression: "leaseOwner = :owner",
          ExpressionAttributeValues: { ":owner": owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #schedule(item: Record<string, unknown>): PollSchedule {
    const { pk: _pk, sk: _sk, gsi2pk: _g1, gsi2sk: _g2, type: _t, leaseOwner: _o, leaseUntil: _u, ...rest } = item;
    return rest as unknown as PollSchedule;
  }
}
