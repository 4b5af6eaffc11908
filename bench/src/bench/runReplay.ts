import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ReplayPlan, ReplayResult } from "./replayPlan.ts";

const MAIN = fileURLToPath(new URL("./replayMain.ts", import.meta.url));

/** Runs a replay in a process of its own (its CPU is then its own); its progress lines go to `log`. */
export function runReplay(plan: ReplayPlan, log: (line: string) => void): Promise<ReplayResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk;
      for (const line of chunk.toString().split("\n")) if (line.trim()) log(`    replay ${plan.label}: ${line.trim()}`);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`the ${plan.label} replay exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "") as ReplayResult);
      } catch {
        reject(new Error(`the ${plan.label} replay printed no result: ${out.slice(-500)}`));
      }
    });
    child.stdin.end(JSON.stringify(plan));
  });
}
