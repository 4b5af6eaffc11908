import { ConfigError, signJwt } from "@syncwell/core";
import { loadPlatformConfig } from "./config.ts";
import { PlatformError } from "./localServers.ts";
import { type RunningPlatform, startPlatform } from "./platform.ts";

// `npm start`: the whole platform without Docker. Prints the URL lines once everything is healthy
// and stops everything it started on SIGINT/SIGTERM, also when the signal comes during start-up.
const log = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
let platform: RunningPlatform | undefined;
let stopping: string | undefined;

async function shutdown(reason: string, code: number): Promise<void> {
  if (stopping) return;
  stopping = reason;
  if (!platform) return; // still starting: stopped as soon as start-up returns
  log(`stopping (${reason}) …`);
  await platform.stop();
  log("stopped.");
  process.exit(code);
}
process.once("SIGINT", () => void shutdown("SIGINT", 0));
process.once("SIGTERM", () => void shutdown("SIGTERM", 0));

try {
  const config = loadPlatformConfig();
  platform = await startPlatform(config, (line) => log(`  … ${line}`));
  if (stopping) {
    await platform.stop();
    process.exit(0);
  }
  log(`gateway: ${platform.urls.gateway}`);
  log(`providers-mock: ${platform.urls.providersMock}`);
  log(`worker: ${platform.urls.worker} (/health, /metrics)`);
  log(`coalescer: ${platform.urls.coalescer} (/health, /metrics)`);
  log(`poller: ${platform.urls.poller} (/health, /metrics)`);
  log(`support: ${platform.urls.support} (DLQ playbook, tickets, troubleshooter)`);
  log(`demo token (user demo-user, 24 h): ${platform.demoToken}`);
  // This run's secrets are fresh, so the CLI gets a token rather than a secret to sign with.
  log(`support token (agent support-agent, 24 h): ${signJwt(config.SUPPORT_JWT_SECRET, "support-agent", 86400)}`);
  log("  CLI: SUPPORT_TOKEN=<support token> npm run support -- dlq list");
  log(`SyncWell is up in ${((Date.now() - started) / 1000).toFixed(1)} s. Press Ctrl-C to stop.`);
  platform.unexpectedExit.then((name) => shutdown(`${name} exited unexpectedly`, 1));
} catch (error) {
  if (error instanceof ConfigError || error instanceof PlatformError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
