import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DEV_JWT_SECRET, DEV_TOKEN_ENCRYPTION_KEY } from "@syncwell/core";
import { loadPlatformConfig, serviceSecurityEnv } from "../src/config.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Runs a service's entry point with exactly `env` (plus PATH) and collects how it ends. */
function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    // A service that does not refuse would start and keep running: its deadline is the test's.
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/** Each service and the secrets it must be given outside development mode. */
const SERVICES: Record<string, string[]> = {
  "gateway-shim/src/main.ts": [
    "TOKEN_ENCRYPTION_KEY",
    "STRAVA_CLIENT_SECRET",
    "GARMIN_CLIENT_SECRET",
    "POLAR_CLIENT_SECRET",
    "OURA_CLIENT_SECRET",
    "WITHINGS_CLIENT_SECRET",
    "AUTH_ISSUER",
    "AUTH_AUDIENCE",
    "STRAVA_VERIFY_TOKEN",
    "OURA_VERIFICATION_TOKEN",
    "GATEWAY_PUBLIC_URL",
  ],
  "worker/src/main.ts": [
    "TOKEN_ENCRYPTION_KEY",
    "STRAVA_CLIENT_SECRET",
    "GARMIN_CLIENT_SECRET",
    "POLAR_CLIENT_SECRET",
    "OURA_CLIENT_SECRET",
    "WITHINGS_CLIENT_SECRET",
  ],
  "coalescer/src/main.ts": ["TOKEN_ENCRYPTION_KEY"],
  "poller/src/main.ts": ["TOKEN_ENCRYPTION_KEY", "STRAVA_CLIENT_SECRET", "OURA_CLIENT_SECRET", "WITHINGS_CLIENT_SECRET"],
  "support/src/main.ts": ["TOKEN_ENCRYPTION_KEY", "SUPPORT_AUTH_ISSUER", "SUPPORT_AUTH_AUDIENCE", "AUTH_ISSUER", "AUTH_AUDIENCE"],
  "providers-mock/src/main.ts": ["STRAVA_CLIENT_SECRET", "OURA_CLIENT_SECRET", "WITHINGS_CLIENT_SECRET", "STRAVA_VERIFY_TOKEN"],
};

describe("no built-in secret outside development mode", () => {
  for (const [entry, secrets] of Object.entries(SERVICES)) {
    it(`${entry.split("/")[0]} started without SYNCWELL_MODE and without its secrets exits with one line naming them`, async () => {
      const { code, stderr } = await run(entry, {});
      assert.equal(code, 78, stderr);
      const lines = stderr.trim().split("\n");
      assert.equal(lines.length, 1, stderr);
      assert.match(
        lines[0] ?? "",
        /^Invalid configuration: .* are required \(development defaults apply only with SYNCWELL_MODE=development\)$/,
      );
      for (const name of secrets) assert.ok(lines[0]?.includes(name), `${entry} names ${name}: ${lines[0]}`);
    });
  }

  it("refuses the README's published secrets in production, and the HS256 secret altogether", async () => {
    const production = {
      REDIS_URL: "redis://cache.internal:6379",
      PARTNER_API_BASE_URL: "https://partners.example",
      ...Object.fromEntries(["STRAVA", "GARMIN", "POLAR", "OURA", "WITHINGS"].map((p) => [`${p}_CLIENT_ID`, `prod-${p.toLowerCase()}`])),
      ...Object.fromEntries(
        ["STRAVA", "GARMIN", "POLAR", "OURA", "WITHINGS"].map((p) => [`${p}_CLIENT_SECRET`, `secret-${p.toLowerCase()}`]),
      ),
      STRAVA_VERIFY_TOKEN: "prod-verify",
      OURA_VERIFICATION_TOKEN: "prod-verification",
      AUTH_ISSUER: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool",
      AUTH_AUDIENCE: "appclient",
      DEVICE_UPLOAD_BUCKET: "syncwell-prod-device-uploads",
      GATEWAY_PUBLIC_URL: "https://api.example.com/prod",
    };
    const published = await run("gateway-shim/src/main.ts", { ...production, TOKEN_ENCRYPTION_KEY: DEV_TOKEN_ENCRYPTION_KEY });
    assert.equal(published.code, 78);
    assert.equal(
      published.stderr.trim(),
      "Invalid configuration: TOKEN_ENCRYPTION_KEY is the README's published development value: set a secret of your own",
    );
    const hs256 = await run("gateway-shim/src/main.ts", {
      ...production,
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
      GATEWAY_JWT_SECRET: DEV_JWT_SECRET,
    });
    assert.equal(hs256.code, 78);
    assert.match(hs256.stderr.trim(), /^Invalid configuration: GATEWAY_JWT_SECRET is read in development mode only/);
  });

  it("npm start gives every service development mode with fresh secrets of its own run", () => {
    const [one, two] = [loadPlatformConfig({}), loadPlatformConfig({})];
    const env = serviceSecurityEnv(one);
    assert.equal(env.SYNCWELL_MODE, "development");
    for (const name of [
      "GATEWAY_JWT_SECRET",
      "SUPPORT_JWT_SECRET",
      "TOKEN_ENCRYPTION_KEY",
      "STRAVA_CLIENT_SECRET",
      "OURA_CLIENT_SECRET",
      "WITHINGS_CLIENT_SECRET",
      "STRAVA_VERIFY_TOKEN",
    ]) {
      assert.ok(env[name], `${name} is given`);
      assert.notEqual(env[name], serviceSecurityEnv(two)[name], `${name} is fresh per run`);
      assert.ok(!String(env[name]).startsWith("dev-"), `${name} is not a published value`);
    }
    assert.notEqual(env.TOKEN_ENCRYPTION_KEY, DEV_TOKEN_ENCRYPTION_KEY);
    assert.equal(loadPlatformConfig({ GATEWAY_JWT_SECRET: "a-secret-i-chose-myself" }).GATEWAY_JWT_SECRET, "a-secret-i-chose-myself");
  });
});
