import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { copyOf, dockerfileStages, type Stage } from "./support/dockerfile.ts";
import { type Json, ROOT, resources, stack } from "./support/synth.ts";

/**
 * SPEC §16: "the runtime image is the current Node LTS with production dependencies only". No
 * Docker engine runs the suite, so this reads the Dockerfile as the builder does and checks what
 * the image will be; image.runtime.spec.ts assembles the final stage's files and starts every entry
 * point from them.
 */
const stages = dockerfileStages();
const runtime = stages.at(-1) as Stage;
const build = stages[0] as Stage;
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
const copies = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "COPY").map(copyOf);
/** The workspaces the final stage installs (`npm ci … --workspace=x`). */
const installed = () =>
  [
    ...runs(runtime)
      .join(" ")
      .matchAll(/--workspace=([\w-]+)/g),
  ].map((m) => m[1] as string);
/** Repository paths the final stage holds: copied from the context, or from the build stage's /app (the whole context). */
const shipped = () =>
  copies(runtime).flatMap((c) =>
    c.sources.map((s) => (c.from === build.name ? relative("/app", s) : c.from === undefined ? s : `${c.from}:${s}`)),
  );
const ships = (path: string) => shipped().some((p) => path === p || path.startsWith(`${p.replace(/\/$/, "")}/`));

/** Every `.ts` file under a directory, tests and testkits left out. */
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return entry.endsWith(".ts") && !/\.(spec|testkit|contract)\.ts$|testkit\.ts$/.test(entry) ? [path] : [];
  });

describe("the runtime image (Dockerfile)", () => {
  it("is a multi-stage build whose stages all run the current Node LTS, Node 26 (Active LTS since 2026-10-28)", () => {
    assert.ok(stages.length >= 2, "multi-stage");
    for (const stage of stages) assert.match(stage.base, /^node:26(\.\d+){0,2}-(trixie|bookworm)-slim$/, stage.name ?? stage.base);
    assert.equal(new Set(stages.map((s) => s.base)).size, 1, "the build stage type-checks on the Node the image runs");
  });

  it("type-checks in the build stage, which the final stage copies its code from (so the check cannot be skipped)", () => {
    assert.ok(runs(build).some((r) => /npm run typecheck/.test(r)));
    const fromBuild = copies(runtime).filter((c) => c.from === build.name);
    assert.ok(fromBuild.length > 0);
    assert.ok(!copies(runtime).some((c) => c.from === undefined && c.sources.includes(".")), "no `COPY . .` in the final stage");
  });

  it("installs production dependencies only, in the final stage, from the lockfile, and nothing else", () => {
    const installs = runs(runtime).filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    assert.equal(installs.length, 1);
    assert.match(installs[0] as string, /^npm ci --omit=dev /);
    assert.match(installs[0] as string, /--include-workspace-root/);
    assert.match(installs[0] as string, /npm cache clean --force/, "no npm cache left in the layer");
    for (const tool of ["stacks", "features", "bench", "platform"]) assert.ok(!installed().includes(tool), `${tool} is a development tool`);
  });

  it("runs TypeScript through tsx, which is therefore a production dependency of the root the final stage installs", () => {
    const entry = runtime.instructions.find((i) => i.keyword === "ENTRYPOINT");
    assert.deepEqual(JSON.parse(entry?.args ?? "null"), ["node", "--import", "tsx"]);
    const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    assert.ok(root.dependencies?.tsx, "tsx in the root's dependencies");
    assert.equal(root.devDependencies?.tsx, undefined);
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    assert.notEqual(lock.packages["node_modules/tsx"]?.dev, true, "the lockfile agrees: npm ci --omit=dev keeps tsx");
    assert.notEqual(lock.packages["node_modules/esbuild"]?.dev, true, "and tsx's esbuild");
  });

  it("runs as the unprivileged node user, with NODE_ENV=production", () => {
    const users = runtime.instructions.filter((i) => i.keyword === "USER").map((i) => i.args);
    assert.deepEqual(users, ["node"]);
    assert.ok(runtime.instructions.some((i) => i.keyword === "ENV" && /\bNODE_ENV=production\b/.test(i.args)));
  });

  it("installs and ships every workspace an ECS task or a compose service starts, with its package.json", () => {
    const { all } = resources(stack());
    const ecs = all("aws_ecs_task_definition").map((t: Json) => JSON.parse(t.container_definitions)[0].command[0] as string);
    const compose = [...readFileSync(join(ROOT, "docker-compose.yml"), "utf8").matchAll(/command: \["([\w-]+\/src\/[\w.]+\.ts)"\]/g)].map(
      (m) => m[1] as string,
    );
    assert.equal(ecs.length, 5);
    for (const entry of [...ecs, ...compose]) {
      const workspace = entry.split("/")[0] as string;
      assert.ok(ships(entry), `${entry} is in the image`);
      assert.ok(ships(`${workspace}/package.json`), `${workspace}/package.json (module type, exports) is in the image`);
      if (workspace !== "platform") assert.ok(installed().includes(workspace), `${workspace}'s dependencies are installed`);
    }
    // core is every service's library.
    assert.ok(installed().includes("core") && ships("core/src/index.ts"));
  });

  it("ships every file the services read beside their code (new URL(…, import.meta.url) outside src/)", () => {
    const readers = ["core", "providers-mock", "gateway-shim", "worker", "coalescer", "poller", "support"];
    const outside: string[] = [];
    for (const workspace of readers)
      for (const file of sources(join(ROOT, workspace, "src")))
        for (const match of readFileSync(file, "utf8").matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)) {
          const target = relative(ROOT, fileURLToPath(new URL(match[1] as string, pathToFileURL(file))));
          if (!target.startsWith(`${workspace}/src/`)) outside.push(target.replace(/\/$/, ""));
        }
    assert.ok(outside.includes("gateway-shim/mapping"), "the API Gateway templates the local gateway renders");
    for (const target of outside)
      assert.ok(ships(target), `${target} is read at run time (${dirname(target)}) but not copied into the image`);
  });
});
