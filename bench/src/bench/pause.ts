import { readdirSync, readFileSync } from "node:fs";

/**
 * The process id of our child running `<workspace>/src/main.ts` (the platform starts every
 * service so), found in /proc; undefined where there is no /proc.
 */
export function servicePid(workspace: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(`${workspace}/src/main.ts`)) return Number(entry);
    } catch {}
  }
  return undefined;
}

/**
 * Holds a service still (SIGSTOP) while another one is measured, so the two do not share the
 * cores, and lets it go on (SIGCONT). Without /proc it does nothing and says so.
 */
export function pausable(workspace: string, log: (line: string) => void) {
  const pid = servicePid(workspace);
  if (pid === undefined) log(`    (cannot find the ${workspace} process: it keeps running during this phase)`);
  return {
    paused: pid !== undefined,
    pause: () => pid !== undefined && process.kill(pid, "SIGSTOP"),
    resume: () => pid !== undefined && process.kill(pid, "SIGCONT"),
  };
}
