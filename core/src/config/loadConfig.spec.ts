import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { ConfigError } from "../errors/ConfigError.ts";
import { describeEnv, envMarkdownTable } from "./envTable.ts";
import { env, loadConfig } from "./loadConfig.ts";

const schema = z.object({
  GATEWAY_PORT: env.port(8080).describe("HTTP port of the gateway"),
  DATABASE_URL: env.url().describe("PostgreSQL URL"),
  DEBUG: env.bool(false).describe("verbose"),
});

describe("loadConfig", () => {
  it("applies defaults and coerces values", () => {
    const config = loadConfig(schema, { DATABASE_URL: "postgres://localhost/test", DEBUG: "true" });
    assert.deepEqual(config, { GATEWAY_PORT: 8080, DATABASE_URL: "postgres://localhost/test", DEBUG: true });
  });

  it("names a missing required variable in one line", () => {
    assert.throws(
      () => loadConfig(schema, {}),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.message, "Invalid configuration: DATABASE_URL is required");
        return true;
      },
    );
  });

  it("names a malformed variable without echoing its value", () => {
    assert.throws(
      () => loadConfig(schema, { DATABASE_URL: "postgres://x/y", GATEWAY_PORT: "secret-ish" }),
      (error: Error) => error.message.startsWith("Invalid configuration: GATEWAY_PORT") && !error.message.includes("secret-ish"),
    );
  });

  it("treats an empty string as absent", () => {
    assert.equal(loadConfig(schema, { DATABASE_URL: "postgres://x/y", GATEWAY_PORT: "" }).GATEWAY_PORT, 8080);
  });

  it("documents every variable with its description and default", () => {
    const rows = describeEnv(schema);
    assert.deepEqual(rows[0], { name: "GATEWAY_PORT", description: "HTTP port of the gateway", defaultValue: "8080" });
    assert.equal(rows[1]?.defaultValue, undefined);
    assert.match(envMarkdownTable(rows), /\| `DEBUG` \| `false` \| verbose \|/);
  });
});
