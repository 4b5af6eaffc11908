import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CoalescerEnv } from "@syncwell/coalescer";
import { loadConfig } from "@syncwell/core";
import { GatewayEnv } from "@syncwell/gateway-shim";
import { PollerEnv } from "@syncwell/poller";
import { ProvidersMockEnv } from "@syncwell/providers-mock";
import { SupportEnv } from "@syncwell/support";
import { WorkerEnv } from "@syncwell/worker";
import { parse } from "yaml";
import type { z } from "zod";
import { requiresCommand } from "../../scripts/requirements.ts";
import { BootstrapEnv } from "../src/config.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Service {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: (string | { target: number; published: number })[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: (string | { source: string })[];
  profiles?: string[];
}

/** Each entry point of our image and the env schema that service reads, with its port variable. */
const ENTRY_POINTS: Record<string, { schema: z.ZodObject; port?: string }> = {
  "gateway-shim/src/main.ts": { schema: GatewayEnv, port: "GATEWAY_PORT" },
  "worker/src/main.ts": { schema: WorkerEnv as unknown as z.ZodObject, port: "WORKER_PORT" },
  "coalescer/src/main.ts": { schema: CoalescerEnv, port: "COALESCER_PORT" },
  "poller/src/main.ts": { schema: PollerEnv as unknown as z.ZodObject, port: "POLLER_PORT" },
  "providers-mock/src/main.ts": { schema: ProvidersMockEnv, port: "PROVIDERS_MOCK_PORT" },
  "support/src/main.ts": { schema: SupportEnv, port: "SUPPORT_PORT" },
  "platform/src/bootstrap.ts": { schema: BootstrapEnv },
};
/** Read by the AWS SDK itself, not by our schemas. Dummy values for LocalStack only. */
const SDK_VARIABLES = new Set(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);

function resolved(): Record<string, Service> {
  const text = execFileSync("docker-compose", ["--profile", "ai", "-f", "docker-compose.yml", "config"], { cwd: ROOT, encoding: "utf8" });
  return parse(text).services;
}

// Resolved short syntax is `[host_ip:]published:target[/protocol]`.
const containerPorts = (s: Service) =>
  (s.ports ?? []).map((p) => (typeof p === "string" ? Number.parseInt(p.split(":").at(-1) ?? "", 10) : p.target));

describe("docker-compose.yml", requiresCommand("docker-compose", "docker-compose.yml checks", "apt-get install docker-compose"), () => {
  it("is accepted by the compose validator", () => {
    execFileSync("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { cwd: ROOT });
    execFileSync("docker-compose", ["--profile", "ai", "-f", "docker-compose.yml", "config", "-q"], { cwd: ROOT });
  });

  it("runs every Node service from the one image with an entry point that exists and an environment its schema accepts", () => {
    const services = resolved();
    const ours = Object.entries(services).filter(([, s]) => s.build !== undefined);
    assert.deepEqual(ours.map(([name]) => name).sort(), [
      "bootstrap",
      "coalescer",
      "gateway",
      "poller",
      "providers-mock",
      "support",
      "worker",
    ]);
    for (const [name, service] of ours) {
      assert.equal(service.image, "syncwell:local", name);
      const entry = service.command?.[0] ?? "";
      assert.ok(existsSync(join(ROOT, entry)), `${name}: ${entry} exists`);
      const spec = ENTRY_POINTS[entry];
      assert.ok(spec, `${name}: a known entry point`);
      const env = service.environment ?? {};
      const known = new Set(Object.keys(spec.schema.shape));
      for (const key of Object.keys(env)) assert.ok(known.has(key) || SDK_VARIABLES.has(key), `${name}: ${key} is read by the service`);
      assert.doesNotThrow(() => loadConfig(spec.schema, env), `${name}: its environment parses`);
      if (spec.port) {
        const port = Number(env[spec.port]);
        assert.ok(port > 0, `${name}: sets ${spec.port}`);
        assert.deepEqual(containerPorts(service), [port], `${name}: publishes ${spec.port}`);
        assert.match(
          service.healthcheck?.test.join(" ") ?? "",
          new RegExp(`127\\.0\\.0\\.1:${port}/health`),
          `${name}: healthcheck on its port`,
        );
      }
    }
  });

  it("starts services only after what they need, and every dependency exists", () => {
    const services = resolved();
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        assert.ok(services[dependency], `${name} depends on ${dependency}`);
        if (condition === "service_healthy") assert.ok(services[dependency]?.healthcheck, `${dependency} has a healthcheck for ${name}`);
      }
    }
    for (const name of ["gateway", "worker", "coalescer", "poller", "support"]) {
      assert.equal(services[name]?.depends_on?.bootstrap?.condition, "service_completed_successfully", `${name} waits for the bootstrap`);
    }
    assert.deepEqual(services.ollama?.profiles, ["ai"]);
    // The troubleshooter reaches the model the ai profile pulls.
    assert.equal(services.support?.environment?.OLLAMA_BASE_URL, "http://ollama:11434");
    assert.deepEqual(services["ollama-pull"]?.command, ["pull", services.support?.environment?.OLLAMA_MODEL]);
  });

  it("points Prometheus at real services and ports, and mounts Grafana's provisioning from the repo", () => {
    const services = resolved();
    const scrape = parse(readFileSync(join(ROOT, "prometheus/prometheus.yml"), "utf8"));
    for (const job of scrape.scrape_configs) {
      for (const target of job.static_configs[0].targets as string[]) {
        const [host, port] = target.split(":");
        assert.ok(services[host ?? ""], `scrape target ${target} is a compose service`);
        assert.ok(containerPorts(services[host ?? ""] as Service).includes(Number(port)), `${target} is that service's port`);
      }
    }
    const mounts = (services.grafana?.volumes ?? []).map((v) => (typeof v === "string" ? v.split(":")[0] : v.source) ?? "");
    for (const dir of ["grafana/provisioning", "grafana/dashboards"])
      assert.ok(
        mounts.some((m) => m.endsWith(dir)),
        `grafana mounts ${dir}`,
      );
  });

  it("builds from a Dockerfile that installs every workspace and runs the entry points compose names", () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    const { workspaces } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { workspaces: string[] };
    for (const ws of workspaces) assert.ok(dockerfile.includes(`COPY ${ws}/package.json ${ws}/package.json`), `the image installs ${ws}`);
    assert.match(dockerfile, /ENTRYPOINT \["node", "--import", "tsx"\]/);
    assert.equal((dockerfile.match(/^FROM /gm) ?? []).length, 2, "multi-stage");
  });

  it("keeps its development secrets in one place (x-dev-secrets), in development mode only", () => {
    const text = readFileSync(join(ROOT, "docker-compose.yml"), "utf8");
    const devSecrets = new Set(Object.values(parse(text)["x-dev-secrets"] as Record<string, string>));
    for (const line of text.split("\n")) {
      const match = /^\s*([A-Z_]*(SECRET|PASSWORD|TOKEN|_KEY)[A-Z_]*):\s*(\S+)/.exec(line);
      if (!match || (SDK_VARIABLES.has(match[1] ?? "") && match[3] === "test")) continue;
      assert.match(match[3] ?? "", /^\*dev-/, `${match[1]} takes its value from x-dev-secrets`);
    }
    for (const [name, service] of Object.entries(resolved())) {
      const env = service.environment ?? {};
      for (const [key, value] of Object.entries(env)) {
        if (/SECRET|PASSWORD|TOKEN|_KEY/.test(key) && !SDK_VARIABLES.has(key)) assert.ok(devSecrets.has(value), `${name}: ${key}`);
      }
      const spec = ENTRY_POINTS[service.command?.[0] ?? ""];
      if (spec?.schema.shape.SYNCWELL_MODE) assert.equal(env.SYNCWELL_MODE, "development", `${name} runs in development mode`);
    }
  });

  it("publishes every port on 127.0.0.1 only", () => {
    for (const [name, service] of Object.entries(resolved())) {
      for (const port of service.ports ?? []) {
        const hostIp = typeof port === "string" ? port.split(":").slice(0, -2).join(":") : (port as { host_ip?: string }).host_ip;
        assert.equal(hostIp, "127.0.0.1", `${name} publishes ${JSON.stringify(port)} on loopback`);
      }
    }
  });
});
