#!/usr/bin/env node
// Cross-workspace import cycles (madge sees each workspace's own files; `@syncwell/*` imports leave
// its graph). Builds the graph of workspaces from what their production sources (`src/`, tests
// excluded: a test may drive any workspace) import — `@syncwell/<name>` and relative paths into
// another workspace — and fails on a cycle, naming it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const nameOf = new Map(workspaces.map((ws) => [JSON.parse(readFileSync(join(root, ws, "package.json"), "utf8")).name, ws]));

function files(dir) {
  let out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "cdktf.out") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out = out.concat(files(path));
    else if (/\.(ts|mjs)$/.test(entry)) out.push(path);
  }
  return out;
}

const edges = new Map(workspaces.map((ws) => [ws, new Set()]));
const IMPORT = /(?:from|import)\s*\(?\s*["']([^"']+)["']/g;
for (const ws of workspaces) {
  let sources = [];
  try {
    sources = files(join(root, ws, "src")).filter((f) => !f.endsWith(".spec.ts"));
  } catch {
    continue;
  }
  for (const file of sources) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      let target;
      if (spec.startsWith("@syncwell/")) target = nameOf.get(spec.split("/").slice(0, 2).join("/"));
      else if (spec.startsWith(".")) target = relative(root, resolve(file, "..", spec)).split(sep)[0];
      if (target && target !== ws && edges.has(target)) edges.get(ws).add(target);
    }
  }
}

const state = new Map();
const stack = [];
function visit(ws) {
  state.set(ws, "visiting");
  stack.push(ws);
  for (const next of edges.get(ws)) {
    if (state.get(next) === "visiting") {
      console.error(`workspace import cycle: ${[...stack.slice(stack.indexOf(next)), next].join(" → ")}`);
      process.exit(1);
    }
    if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(ws, "done");
}
for (const ws of workspaces) if (!state.has(ws)) visit(ws);
console.log(`✔ No import cycle between the ${workspaces.length} workspaces`);
