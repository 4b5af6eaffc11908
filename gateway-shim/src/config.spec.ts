import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { loadGatewayConfig } from "./config.ts";

/** A production environment the gateway accepts, but for the variable under test. */
const production = (publicUrl?: string) => ({
  REDIS_URL: "rediss://cache.internal:6379",
  PARTNER_API_BASE_URL: "https://partners.example",
  ...Object.fromEntries(["STRAVA", "GARMIN", "POLAR", "OURA", "WITHINGS"].map((p) => [`${p}_CLIENT_ID`, `prod-${p.toLowerCase()}`])),
  ...Object.fromEntries(
    ["STRAVA", "GARMIN", "POLAR", "OURA", "WITHINGS"].map((p) => [`${p}_CLIENT_SECRET`, randomBytes(12).toString("hex")]),
  ),
  STRAVA_VERIFY_TOKEN: randomBytes(12).toString("hex"),
  OURA_VERIFICATION_TOKEN: randomBytes(12).toString("hex"),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  AUTH_ISSUER: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool",
  AUTH_AUDIENCE: "appclient",
  DEVICE_UPLOAD_BUCKET: "syncwell-prod-device-uploads",
  ...(publicUrl === undefined ? {} : { GATEWAY_PUBLIC_URL: publicUrl }),
});

describe("GATEWAY_PUBLIC_URL: where partners are told to deliver a user's notifications", () => {
  it("is the local gateway in development mode, unless given", () => {
    assert.equal(loadGatewayConfig({ SYNCWELL_MODE: "development" }).GATEWAY_PUBLIC_URL, "http://127.0.0.1:8080");
    assert.equal(
      loadGatewayConfig({ SYNCWELL_MODE: "development", GATEWAY_PUBLIC_URL: "http://gateway:8080" }).GATEWAY_PUBLIC_URL,
      "http://gateway:8080",
    );
  });

  it("is required in production, where it must be https: no guessed default", () => {
    const stage = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod";
    assert.equal(loadGatewayConfig(production(stage)).GATEWAY_PUBLIC_URL, stage);
    assert.throws(() => loadGatewayConfig(production()), /GATEWAY_PUBLIC_URL is required/);
    assert.throws(
      () => loadGatewayConfig(production("http://api.example.com")),
      /GATEWAY_PUBLIC_URL must be an https URL outside development mode/,
    );
    assert.throws(() => loadGatewayConfig(production("ftp://api.example.com")), /GATEWAY_PUBLIC_URL must be an http\(s\) URL/);
  });
});
