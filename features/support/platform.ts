import { randomBytes } from "node:crypto";
import { AfterAll, BeforeAll, setDefaultTimeout } from "@cucumber/cucumber";
import { loadPlatformConfig, type RunningPlatform, startPlatform } from "@syncwell/platform";

setDefaultTimeout(30_000);

/** Where the features send their requests. */
export interface Target {
  providersMock: string;
}

let running: RunningPlatform | undefined;
let target: Target | undefined;

/**
 * The stack under test: a running one named by SYNCWELL_PROVIDERS_MOCK_URL (e.g. `docker compose up`),
 * else the embedded platform started here with its own queue names and database schema.
 */
export function stack(): Target {
  if (!target) throw new Error("the platform is not started");
  return target;
}

BeforeAll(async () => {
  const given = process.env.SYNCWELL_PROVIDERS_MOCK_URL;
  if (given) {
    target = { providersMock: given.replace(/\/$/, "") };
    return;
  }
  const run = randomBytes(3).toString("hex");
  process.env.PROVIDERS_MOCK_DB_SCHEMA = `features_${run}`;
  const [providersMockPort, gatewayPort] = await Promise.all([freePort(), freePort()]);
  const config = loadPlatformConfig({
    ...process.env,
    PROVIDERS_MOCK_PORT: String(providersMockPort),
    GATEWAY_PORT: String(gatewayPort),
    SYNCWELL_RESOURCE_PREFIX: `features-${run}-`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });
  running = await startPlatform(config);
  target = { providersMock: running.urls.providersMock };
});

AfterAll(async () => {
  if (running?.env.DATABASE_URL && process.env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: running.env.DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${process.env.PROVIDERS_MOCK_DB_SCHEMA}" cascade`);
    await client.end();
  }
  await running?.stop();
});

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
