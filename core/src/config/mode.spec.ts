import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { ConfigError } from "../errors/ConfigError.ts";
import { describeEnv, envMarkdownTable } from "./envTable.ts";
import { loadConfig } from "./loadConfig.ts";
import { developmentOnly, localDefault, modeEnv, requiredInProduction, secret } from "./mode.ts";

const schema = z.object({
  ...modeEnv,
  API_SECRET: secret(z.string().describe("a secret"), "dev-api-secret"),
  OTHER_SECRET: secret(z.string().describe("another secret"), "dev-other-secret"),
  PARTNER_URL: localDefault(z.url().describe("a local URL"), "http://127.0.0.1:9090"),
  ISSUER: requiredInProduction(z.url().optional().describe("issuer")),
  SIGNING_SECRET: developmentOnly(z.string().optional().describe("HS256"), "dev-signing-secret", "is for development only"),
});
const production = { API_SECRET: "s1", OTHER_SECRET: "s2", PARTNER_URL: "https://partner.example", ISSUER: "https://issuer.example" };
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail("no ConfigError");
};

describe("SYNCWELL_MODE", () => {
  it("fills the published development values in development mode only", () => {
    const config = loadConfig(schema, { SYNCWELL_MODE: "development" });
    assert.equal(config.API_SECRET, "dev-api-secret");
    assert.equal(config.PARTNER_URL, "http://127.0.0.1:9090");
    assert.equal(config.SIGNING_SECRET, "dev-signing-secret");
    assert.equal(config.ISSUER, undefined);
  });

  it("is production when unset: every missing secret is named in one line", () => {
    assert.equal(
      message(() => loadConfig(schema, { PARTNER_URL: "https://partner.example", ISSUER: "https://issuer.example" })),
      "Invalid configuration: API_SECRET, OTHER_SECRET are required (development defaults apply only with SYNCWELL_MODE=development)",
    );
    assert.match(
      message(() => loadConfig(schema, { ...production, ISSUER: undefined })),
      /^Invalid configuration: ISSUER is required/,
    );
    assert.match(
      message(() => loadConfig(schema, { ...production, PARTNER_URL: "" })),
      /^Invalid configuration: PARTNER_URL is required/,
    );
  });

  it("refuses a published development secret and a development-only variable in production", () => {
    assert.equal(
      message(() => loadConfig(schema, { ...production, OTHER_SECRET: "dev-other-secret" })),
      "Invalid configuration: OTHER_SECRET is the README's published development value: set a secret of your own",
    );
    assert.equal(
      message(() => loadConfig(schema, { ...production, SIGNING_SECRET: "anything-at-all" })),
      "Invalid configuration: SIGNING_SECRET is for development only",
    );
    assert.deepEqual(loadConfig(schema, production), { SYNCWELL_MODE: "production", SIGNING_SECRET: undefined, ...production });
  });

  it("names a mistyped mode instead of guessing", () => {
    assert.equal(
      message(() => loadConfig(schema, { SYNCWELL_MODE: "dev" })),
      "Invalid configuration: SYNCWELL_MODE must be development or production",
    );
  });

  it("documents each variable's development value and what production asks of it", () => {
    const table = envMarkdownTable(describeEnv(schema));
    assert.match(table, /\| `API_SECRET` \| development: `dev-api-secret`; production: required \| a secret \|/);
    assert.match(table, /\| `ISSUER` \| development: —; production: required \| issuer \|/);
    assert.match(table, /\| `SIGNING_SECRET` \| development: `dev-signing-secret`; production: must be unset \| HS256 \|/);
  });
});
