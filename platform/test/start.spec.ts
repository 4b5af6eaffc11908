import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function npmStart(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "platform/src/start.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("npm start refuses bad settings with one clear line", () => {
  it("names a malformed variable", () => {
    const run = npmStart({ PROVIDERS_MOCK_PORT: "ninety" });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim(), "Invalid configuration: PROVIDERS_MOCK_PORT must be a port number (0-65535)");
  });

  it("names a port that is in use, before starting anything", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = npmStart({ PROVIDERS_MOCK_PORT: String(port) });
      assert.equal(run.status, 1);
      assert.equal(run.stderr.trim(), `port ${port} is already in use (set PROVIDERS_MOCK_PORT to another port)`);
    } finally {
      blocker.close();
    }
  });

  it("says how to get Redis when it is neither given nor installed", () => {
    const run = npmStart({
      PATH: "/nonexistent",
      REDIS_URL: "",
      DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
      PROVIDERS_MOCK_PORT: "0",
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr.trim(), /^Redis not found: set REDIS_URL, or install redis-server/);
  });
});
