import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { z } from "zod";
import { GSI1, keys } from "../aws/tableDesign.ts";
import type { ConnectionStatusSchema } from "../contracts/domain.ts";
import type { TokenCipher } from "../crypto/tokenCipher.ts";
import { isConditionFailure, TableItems } from "./TableItems.ts";
import type { ConnectionRecord } from "./types.ts";

export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/** Connections (`USER#{userId}` / `CONN#{connectionId}`, owner index gsi1), tokens encrypted at rest. */
export class ConnectionItems extends TableItems {
  constructor(
    protected override readonly deps: {
      db: import("@aws-sdk/lib-dynamodb").DynamoDBDocumentClient;
      cipher: TokenCipher;
      now?: () => number;
    },
    options: { table: string },
  ) {
    super(deps, options);
  }

  async putConnection(c: ConnectionRecord): Promise<void> {
    const { accessToken, refreshToken, ...rest } = c;
    await this.deps.db.send(
      new PutCommand({
        TableName: this.options.table,
        Item: {
          pk: keys.user(c.userId),
          sk: keys.connection(c.connectionId),
          gsi1pk: keys.owner(c.provider, c.providerUserId),
          gsi1sk: keys.connection(c.connectionId),
          type: "connection",
          ...rest,
          accessToken: this.deps.cipher.encrypt(accessToken),
          refreshToken: this.deps.cipher.encrypt(refreshToken),
        },
      }),
    );
  }

  async getConnection(userId: string, connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.deps.db.send(
      new GetCommand({
        TableName: this.options.table,
        Key: { pk: keys.user(userId), sk: keys.connection(connectionId) },
        ConsistentRead: true,
      }),
    );
    return Item ? this.fromItem(Item) : undefined;
  }

  /** A user's connections, oldest first (tokens stay in the table: callers only need provider and status). */
  async listConnections(userId: string): Promise<Array<Omit<ConnectionRecord, "accessToken" | "refreshToken">>> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      // Consistent: a connection made a moment ago is listed.
      const page = await this.deps.db.send(
        new QueryCommand({
          TableName: this.options.table,
          KeyConditionExpression: "pk = :u AND begins_with(sk, :c)",
          ExpressionAttributeValues: { ":u": keys.user(userId), ":c": keys.connection("") },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items
      .map(
        ({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, accessToken: _a, refreshToken: _r, ...rest }) =>
          rest as Omit<ConnectionRecord, "accessToken" | "refreshToken">,
      )
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.connectionId.localeCompare(b.connectionId));
  }

  /** Connections of a provider-side user (webhook owner → connection). */
  async findConnectionsByOwner(provider: string, providerUserId: string): Promise<ConnectionRecord[]> {
    const { Items = [] } = await this.deps.db.send(
      new QueryCommand({
        TableName: this.options.table,
        IndexName: GSI1,
        KeyConditionExpression: "gsi1pk = :o",
        ExpressionAttributeValues: { ":o": keys.owner(provider, providerUserId) },
      }),
    );
    return Items.map((i) => this.fromItem(i));
  }

  /** Stores refreshed tokens only if nobody refreshed since `expectedVersion` was read. */
  async updateTokens(
    userId: string,
    connectionId: string,
    expectedVersion: number,
    tokens: { accessToken: string; refreshToken: string; tokenExpiresAt: string },
  ): Promise<boolean> {
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { pk: keys.user(userId), sk: keys.connection(connectionId) },
          UpdateExpression: "SET accessToken = :a, refreshToken = :r, tokenExpiresAt = :e, tokenVersion = :next",
          ConditionExpression: "tokenVersion = :expected",
          ExpressionAttributeValues: {
            ":a": this.deps.cipher.encrypt(tokens.accessToken),
            ":r": this.deps.cipher.encrypt(tokens.refreshToken),
            ":e": tokens.tokenExpiresAt,
            ":expected": expectedVersion,
            ":next": expectedVersion + 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async setConnectionStatus(userId: string, connectionId: string, status: ConnectionStatus): Promise<void> {
    await this.deps.db.send(
      new UpdateCommand({
        TableName: this.options.table,
        Key: { pk: keys.user(userId), sk: keys.connection(connectionId) },
        UpdateExpression: "SET #s = :s",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": status },
      }),
    );
  }

  /**
   * Sets the status only while the tokens are still at `expected.tokenVersion` (and, if given, the
   * status is still `expected.status`): a refresh stored in between wins. Answers whether it was set.
   */
  async setConnectionStatusIf(
    userId: string,
    connectionId: string,
    status: ConnectionStatus,
    expected: { tokenVersion: number; status?: ConnectionStatus },
  ): Promise<boolean> {
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { pk: keys.user(userId), sk: keys.connection(connectionId) },
          UpdateExpression: "SET #s = :s",
          ConditionExpression: `tokenVersion = :v${expected.status ? " AND #s = :expected" : ""}`,
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: {
            ":s": status,
            ":v": expected.tokenVersion,
            ...(expected.status ? { ":expected": expected.status } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The user disconnected: the tokens are deleted and the connection is `revoked`; the item stays, so
   * configs still name it and connecting the same partner account again brings it back. The token
   * version moves on, so a refresh that read the old tokens stores nothing. False when it is gone.
   */
  async disconnect(userId: string, connectionId: string): Promise<boolean> {
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { pk: keys.user(userId), sk: keys.connection(connectionId) },
          UpdateExpression: "REMOVE accessToken, refreshToken SET #s = :revoked, tokenVersion = if_not_exists(tokenVersion, :zero) + :one",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":revoked": "revoked", ":zero": 0, ":one": 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** A connection item as a record, its tokens decrypted (empty once the user disconnected: {@link disconnect}). */
  fromItem(item: Record<string, unknown>): ConnectionRecord {
    const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, accessToken, refreshToken, ...rest } = item;
    const decrypt = (sealed: unknown) => (typeof sealed === "string" ? this.deps.cipher.decrypt(sealed) : "");
    return {
      ...(rest as Omit<ConnectionRecord, "accessToken" | "refreshToken">),
      accessToken: decrypt(accessToken),
      refreshToken: decrypt(refreshToken),
    };
  }
}
