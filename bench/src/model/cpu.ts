import { readdirSync, readFileSync } from "node:fs";

const TICKS = 100; // USER_HZ on Linux

/** utime, stime, cutime, cstime (seconds) and the parent pid of a process, from /proc. */
function stat(pid: string): { ppid: string; own: number; reaped: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const n = (i: number) => Number(fields[i]) / TICKS;
    return { ppid: fields[1] as string, own: n(11) + n(12), reaped: n(13) + n(14) };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds this process (with the embedded SQS and DynamoDB emulators it runs) and every
 * process it started (services, and the ones already killed and reaped) have used so far.
 * Undefined where there is no /proc.
 */
export function cpuSeconds(): { harness: number; services: number } | undefined {
  const self = stat(String(process.pid));
  if (!self) return undefined;
  const children = new Map<string, string[]>();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const s = stat(pid);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  let services = self.reaped;
  const walk = (pid: string) => {
    for (const child of children.get(pid) ?? []) {
      const s = stat(child);
      if (s) services += s.own + s.reaped;
      walk(child);
    }
  };
  walk(String(process.pid));
  return { harness: self.own, services };
}
