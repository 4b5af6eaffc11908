import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase, type Knex, type Logger, migrate } from "@syncwell/core";
import { type ProvidersMockConfig, partnerOptions } from "./config.ts";
import { createProvidersMock, type ProvidersMock } from "./createProvidersMock.ts";
import { migrations } from "./migrations.ts";

export interface RunningProvidersMock {
  url: string;
  port: number;
  mock: ProvidersMock;
  db: Knex;
  close(): Promise<void>;
}

/** Connects, migrates and listens. Used by main.ts and by the integration tests (port 0). */
export async function startProvidersMock(config: ProvidersMockConfig, logger: Logger): Promise<RunningProvidersMock> {
  const db = await createDatabase(config.DATABASE_URL, config.PROVIDERS_MOCK_DB_SCHEMA);
  try {
    await migrate(db, config.PROVIDERS_MOCK_DB_SCHEMA, migrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.PROVIDERS_MOCK_PORT, config.PROVIDERS_MOCK_HOST, () => resolve());
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // The public URL may depend on the port we got, so the app is built once we listen.
  const mock = createProvidersMock({ db, logger }, partnerOptions(config, (server.address() as AddressInfo).port));
  server.on("request", mock.app);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    mock,
    db,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await mock.webhooks.drain();
      await db.destroy();
    },
  };
}
