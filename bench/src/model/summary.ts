import type { Action, ActivitySpec, Scenario } from "./types.ts";

const hours = (s: number) => `${s < 0 ? "-" : "+"}${(Math.abs(s) / 3600).toFixed(2)}h`;

function activity(a: ActivitySpec): string {
  const extras = [
    a.utcOffsetSeconds ? `utc${a.utcOffsetSeconds >= 0 ? "+" : ""}${a.utcOffsetSeconds / 3600}` : "",
    a.updatedAt !== undefined ? `updated ${hours(a.updatedAt)}` : "",
  ].filter(Boolean);
  return `${a.key}@${a.provider} ${a.type} ${hours(a.start)} ${a.durationSeconds / 60}min${extras.length ? ` (${extras.join(", ")})` : ""}`;
}

function action(a: Action): string {
  switch (a.kind) {
    case "record":
      return `record ${activity(a.activity)}`;
    case "duplicate_webhook":
      return `webhook again ${a.activity}`;
    case "sync":
      return `sync ${a.config}${a.copies > 1 ? ` ×${a.copies}` : ""}`;
    case "fault":
      return `fault ${a.provider}.${a.operation} ${a.status} ×${a.times}`;
    case "crash":
      return `kill -9 ${a.service}`;
    case "edit":
      return `rename ${a.activity}${a.shortenSeconds ? ` and end it ${a.shortenSeconds}s earlier` : ""}`;
    case "delete":
      return `delete ${a.activity}`;
    case "pause":
      return `pause ${a.ms} ms`;
  }
}

/** A scenario in a few lines a person can read (and rebuild by hand as a feature or a unit test). */
export function summarise(s: Scenario): string[] {
  const overlaps: string[] = [];
  const all = [...s.initial, ...s.actions.flatMap((a) => (a.kind === "record" ? [a.activity] : []))];
  for (const a of all)
    for (const b of all) {
      if (a.key >= b.key) continue;
      const overlap = Math.min(a.start + a.durationSeconds, b.start + b.durationSeconds) - Math.max(a.start, b.start);
      if (overlap >= 0)
        overlaps.push(`${a.key}/${b.key} ${a.start === b.start && a.durationSeconds === b.durationSeconds ? "identical" : `${overlap}s`}`);
    }
  return [
    ...(s.note ? [`note: ${s.note}`] : []),
    `${s.topology}: ${s.configs.map((c) => `${c.key} ${c.source}→${c.destination} ${c.strategy}`).join("; ")}; settle by ${s.settle}`,
    `initial: ${s.initial.map(activity).join("; ") || "none"}`,
    `actions: ${s.actions.map(action).join("; ")}`,
    ...(overlaps.length ? [`overlaps: ${overlaps.join(", ")}`] : []),
  ];
}
