import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./synth.ts";

/** One instruction of a Dockerfile, continuation lines joined: `RUN npm ci …`. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** A build stage: its base image (global ARG defaults substituted), its name and its instructions. */
export interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** The stages of the repo's Dockerfile, the way the builder reads them (enough of the syntax for ours). */
export function dockerfileStages(path = join(ROOT, "Dockerfile")): Stage[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    pending += `${line.replace(/\\$/, "").trim()} `;
    if (!line.endsWith("\\")) {
      logical.push(pending.trim());
      pending = "";
    }
  }
  const globals = new Map<string, string>();
  const stages: Stage[] = [];
  for (const text of logical.filter(Boolean)) {
    const [keyword = "", ...rest] = text.split(/\s+/);
    const args = rest.join(" ");
    const upper = keyword.toUpperCase();
    if (upper === "ARG" && stages.length === 0) {
      const [name = "", value = ""] = args.split("=");
      globals.set(name, value);
    } else if (upper === "FROM") {
      const [image = "", as, name] = args.split(/\s+/);
      const base = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => globals.get(a ?? b) ?? "");
      stages.push({ base, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword: upper, args });
  }
  return stages;
}

/** `COPY [--from=x] [--chown=…] src… dest` → its parts. */
export function copyOf(instruction: Instruction): { from: string | undefined; sources: string[]; destination: string } {
  const words = instruction.args.split(/\s+/);
  const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length);
  const paths = words.filter((w) => !w.startsWith("--"));
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" };
}
