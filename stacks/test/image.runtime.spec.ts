import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { copyOf, dockerfileStages, type Stage } from "./support/dockerfile.ts";
import { type Json, ROOT, resources, stack } from "./support/synth.ts";

/**
 * The final stage of the Dockerfile, assembled without Docker: its COPY instructions (from the
 * context, or from the build stage, whose /app is the context) and its `npm ci --omit=dev` run in
 * a fresh folder (npm's cache first: --prefer-offline), then every entry point the stack and
 * compose start is launched from it. Each must load its whole module graph and stop at its config
 * check (exit 78) — a production dependency missing from the install, or a file missing from the
 * image, fails here. What it cannot show: the Node 26 binary itself (this runs the suite's Node).
 */
const stages = dockerfileStages();
const runtime = stages.at(-1) as Stage;
const buildName = stages[0]?.name;

describe("the runtime image's files, assembled from the Dockerfile's final stage", () => {
  let image = "";
  before(() => {
    image = mkdtempSync(join(tmpdir(), "syncwell-image-"));
    for (const instruction of runtime.instructions) {
      if (instruction.keyword === "COPY") {
        const { from, sources, destination } = copyOf(instruction);
        assert.ok(from === undefined || from === buildName, `COPY --from=${from}`);
        for (const source of sources) {
          const path = from === undefined ? source : relative("/app", source);
          const target = join(image, destination.endsWith("/") || sources.length > 1 ? join(destination, path) : destination);
          mkdirSync(dirname(target), { recursive: true });
          cpSync(join(ROOT, path), target, { recursive: true });
        }
      } else if (instruction.keyword === "RUN") {
        const command = instruction.args.replace(/\bnpm ci\b/, "npm ci --prefer-offline");
        const run = spawnSync("sh", ["-c", command], {
          cwd: image,
          encoding: "utf8",
          env: { ...process.env, npm_config_loglevel: "error" },
        });
        assert.equal(run.status, 0, `${command}\n${run.stderr}`);
      }
    }
  });
  after(() => rmSync(image, { recursive: true, force: true }));

  it("holds no development dependency and no compiler", () => {
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    const dev = Object.entries(lock.packages as Record<string, Json>)
      .filter(([path, p]) => path.startsWith("node_modules/") && p.dev === true)
      .map(([path]) => path);
    assert.ok(dev.length > 0);
    for (const path of dev) assert.ok(!existsSync(join(image, path)), `${path} is a development dependency`);
    for (const tool of ["typescript", "@biomejs/biome", "@cucumber/cucumber", "cdktf", "@cdktf/provider-aws", "fast-check", "madge"])
      assert.ok(!existsSync(join(image, "node_modules", tool)), tool);
    assert.ok(existsSync(join(image, "node_modules/tsx/package.json")));
  });

  it("starts every entry point the stack and compose run: each loads its code and stops at its config check", () => {
    const { all } = resources(stack());
    const ecs = all("aws_ecs_task_definition").map((t: Json) => JSON.parse(t.container_definitions)[0].command[0] as string);
    const compose = [...readFileSync(join(ROOT, "docker-compose.yml"), "utf8").matchAll(/command: \["([\w-]+\/src\/[\w.]+\.ts)"\]/g)].map(
      (m) => m[1] as string,
    );
    const entries = [...new Set([...ecs, ...compose])];
    assert.ok(entries.length >= 7, entries.join(", "));
    for (const entry of entries) {
      // As in the container: production mode, nothing else set but a malformed endpoint, so no service gets past its config.
      const run = spawnSync(process.execPath, ["--import", "tsx", entry], {
        cwd: image,
        encoding: "utf8",
        timeout: 60_000,
        env: { PATH: process.env.PATH, HOME: image, NODE_ENV: "production", AWS_ENDPOINT_URL: "not-a-url" },
      });
      assert.equal(run.status, 78, `${entry}: ${run.stderr.split("\n").find((l) => /Error|Cannot find/.test(l)) ?? run.stderr}`);
      assert.match(run.stderr, /^Invalid configuration: /m, entry);
    }
  });
});
