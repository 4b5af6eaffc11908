import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { isolatedPlatformConfig } from "../src/config.ts";
import { type RunningPlatform, startPlatform } from "../src/platform.ts";

/** The local addresses of every listening TCP socket on `port`, from the kernel's tables (Linux). */
function listeners(port: number): string[] {
  const found: string[] = [];
  for (const [file, v6] of [
    ["/proc/net/tcp", false],
    ["/proc/net/tcp6", true],
  ] as const) {
    let table = "";
    try {
      table = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of table.trim().split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [hexAddress, hexPort] = (local ?? "").split(":");
      if (state !== "0A" || Number.parseInt(hexPort ?? "", 16) !== port) continue; // 0A = LISTEN
      found.push(
        v6
          ? `[${hexAddress}]`
          : (hexAddress?.match(/../g) ?? [])
              .reverse()
              .map((b) => Number.parseInt(b, 16))
              .join("."),
      );
    }
  }
  return found;
}

const portOf = (url: string) => Number(new URL(url).port);

describe("everything npm start runs listens on loopback only", { skip: process.platform !== "linux" && "reads /proc/net/tcp" }, () => {
  let platform: RunningPlatform;

  before(async () => {
    platform = await startPlatform(await isolatedPlatformConfig(`loopback-${randomBytes(2).toString("hex")}-`));
  });
  after(() => platform?.stop());

  it("binds gateway, providers-mock, support, the ops servers and the embedded SQS and DynamoDB to 127.0.0.1", () => {
    const servers = {
      ...platform.urls,
      sqs: platform.env.AWS_ENDPOINT_URL_SQS ?? "",
      dynamoDb: platform.env.AWS_ENDPOINT_URL_DYNAMODB ?? "",
    };
    for (const [name, url] of Object.entries(servers)) {
      assert.deepEqual(listeners(portOf(url)), ["127.0.0.1"], `${name} (${url}) listens on loopback only`);
    }
  });

  it("runs every service in development mode with this run's secrets, none of them published", () => {
    assert.equal(platform.env.SYNCWELL_MODE, "development");
    for (const name of ["GATEWAY_JWT_SECRET", "SUPPORT_JWT_SECRET", "TOKEN_ENCRYPTION_KEY", "OURA_CLIENT_SECRET"])
      assert.ok(platform.env[name] && !platform.env[name].startsWith("dev-"), name);
  });
});
