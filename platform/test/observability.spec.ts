import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { requiresCommand } from "../../scripts/requirements.ts";
import { isolatedPlatformConfig } from "../src/config.ts";
import { type RunningPlatform, startPlatform } from "../src/platform.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const METRIC = /\bsyncwell_[a-z_]+\b/g;

/** Every syncwell_* metric a dashboard panel or an alert rule queries. */
function queriedMetrics(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of readdirSync(join(ROOT, "grafana/dashboards"))) {
    const dashboard = JSON.parse(readFileSync(join(ROOT, "grafana/dashboards", file), "utf8"));
    for (const panel of dashboard.panels)
      for (const target of panel.targets) for (const name of target.expr.match(METRIC) ?? []) found.set(name, `${file}: ${panel.title}`);
  }
  for (const name of readFileSync(join(ROOT, "prometheus/alerts.yml"), "utf8").match(METRIC) ?? [])
    found.set(name, "prometheus/alerts.yml");
  return found;
}

describe("observability: dashboards and alerts query metrics the services export", () => {
  let platform: RunningPlatform;
  before(async () => {
    platform = await startPlatform(await isolatedPlatformConfig(`obs-${randomBytes(2).toString("hex")}-`));
  });
  after(() => platform?.stop());

  it("every panel and alert names a metric some service exports, and no label carries a user", async () => {
    const exported = new Set<string>();
    for (const url of [platform.urls.gateway, platform.urls.worker, platform.urls.coalescer, platform.urls.poller, platform.urls.support]) {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const line of text.split("\n")) {
        const type = /^# TYPE (\S+) (\S+)/.exec(line);
        if (type?.[1]) {
          exported.add(type[1]);
          if (type[2] === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) exported.add(`${type[1]}${suffix}`);
        }
        assert.ok(!/\buser(_?id)?="/i.test(line), `a user in a label: ${line}`);
      }
    }
    const missing = [...queriedMetrics()].filter(([name]) => !exported.has(name)).map(([name, where]) => `${name} (${where})`);
    assert.deepEqual(missing, [], "queried but exported by no service");
    assert.ok(queriedMetrics().size >= 15);
  });

  it("the queue-depth gauge covers every queue, the DLQ included", async () => {
    const text = await (await fetch(`${platform.urls.worker}/metrics`)).text();
    for (const queue of ["HotPathSyncQueue.fifo", "HotPathSyncDLQ.fifo", "WebhookEventQueue", "WebhookEventDLQ"]) {
      assert.match(text, new RegExp(`syncwell_queue_messages\\{queue="[^"]*${queue.replace(".", "\\.")}",state="visible"`), queue);
    }
  });
});

describe("Prometheus configuration", requiresCommand("promtool", "promtool checks", "apt-get install prometheus"), () => {
  it("passes promtool: config, rules, and the rules' unit tests", () => {
    const dir = mkdtempSync(join(tmpdir(), "promtool-"));
    copyFileSync(join(ROOT, "prometheus/alerts.yml"), join(dir, "alerts.yml"));
    writeFileSync(
      join(dir, "prometheus.yml"),
      readFileSync(join(ROOT, "prometheus/prometheus.yml"), "utf8").replace("/etc/prometheus/alerts.yml", "alerts.yml"),
    );
    const run = (...args: string[]) => execFileSync("promtool", args, { cwd: dir, encoding: "utf8" });
    assert.match(run("check", "config", "prometheus.yml"), /SUCCESS/);
    assert.match(
      execFileSync("promtool", ["test", "rules", "alerts.test.yml"], { cwd: join(ROOT, "prometheus"), encoding: "utf8" }),
      /SUCCESS/,
    );
  });
});
