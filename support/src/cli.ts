import { parseArgs } from "node:util";
import { configOrExit } from "@syncwell/core";
import { loadSupportCliConfig, supportCliToken } from "./config.ts";

const USAGE = `usage: npm run support -- <command>
  dlq list [--category third_party|bad_data|authentication|unknown]
  dlq show <messageId>
  redrive --message <messageId> | --category <category>
  tickets [--overdue] [--open]
  ticket <ticketId>
  template <ticketId> initial_contact|resolved_by_fix|user_action_needed
  resolve <ticketId>
  audit [--target <id>]`;

const config = configOrExit(() => loadSupportCliConfig());
const token = supportCliToken(config);

// biome-ignore lint/suspicious/noExplicitAny: the CLI prints whatever the API answers
async function call(method: string, path: string, body?: unknown): Promise<any> {
  let response: Response;
  try {
    response = await fetch(new URL(path, config.SUPPORT_URL), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    fail(`cannot reach the support service at ${config.SUPPORT_URL} (is \`npm start\` running? set SUPPORT_URL)`);
  }
  const json = (await response.json().catch(() => ({}))) as { title?: string; detail?: string };
  if (!response.ok) fail(`${response.status} ${json.title ?? ""}: ${json.detail ?? "request failed"}`);
  return json;
}

function fail(message: string): never {
  process.stderr.write(`support: ${message}\n`);
  process.exit(1);
}

function table(rows: Array<Record<string, unknown>>, columns: string[]): void {
  if (rows.length === 0) return void console.log("(none)");
  const cell = (v: unknown) => (v === null || v === undefined ? "-" : String(v)).replace(/\s+/g, " ").slice(0, 60);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(columns.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
  for (const r of rows) console.log(columns.map((c, i) => cell(r[c]).padEnd(widths[i] ?? 0)).join("  "));
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    category: { type: "string" },
    message: { type: "string" },
    target: { type: "string" },
    overdue: { type: "boolean" },
    open: { type: "boolean" },
    json: { type: "boolean" },
  },
});
const [command, sub, arg] = positionals;
const out = (json: unknown, print: () => void) => (values.json ? console.log(JSON.stringify(json, null, 2)) : print());
const q = (params: Record<string, string | boolean | undefined>) => {
  const s = new URLSearchParams(
    Object.entries(params).flatMap(([k, v]): Array<[string, string]> => (v === undefined || v === false ? [] : [[k, String(v)]])),
  );
  return s.size ? `?${s}` : "";
};

switch (`${command} ${command === "dlq" ? sub : ""}`.trim()) {
  case "dlq list": {
    const { messages } = await call("GET", `/v1/support/dlq/messages${q({ category: values.category })}`);
    out(messages, () =>
      table(messages, [
        "messageId",
        "jobId",
        "userId",
        "sourceProvider",
        "destinationProvider",
        "category",
        "attempts",
        "ageSeconds",
        "errorMessage",
      ]),
    );
    break;
  }
  case "dlq show":
    if (!arg) fail(USAGE);
    console.log(JSON.stringify(await call("GET", `/v1/support/dlq/messages/${encodeURIComponent(arg)}`), null, 2));
    break;
  case "redrive": {
    if (!values.message === !values.category) fail("redrive needs exactly one of --message <id> or --category <category>");
    const { results } = await call(
      "POST",
      "/v1/support/dlq/redrive",
      values.message ? { messageId: values.message } : { category: values.category },
    );
    out(results, () => table(results, ["messageId", "jobId", "result"]));
    break;
  }
  case "tickets": {
    const { tickets } = await call("GET", `/v1/support/tickets${q({ overdue: values.overdue, open: values.open })}`);
    out(tickets, () =>
      table(tickets, ["id", "category", "userId", "sourceProvider", "destinationProvider", "contactDeadline", "resolvedAt", "origin"]),
    );
    break;
  }
  case "ticket":
    if (!sub) fail(USAGE);
    console.log(JSON.stringify(await call("GET", `/v1/support/tickets/${encodeURIComponent(sub)}`), null, 2));
    break;
  case "template":
    if (!sub || !arg) fail(USAGE);
    console.log((await call("GET", `/v1/support/tickets/${encodeURIComponent(sub)}/templates/${encodeURIComponent(arg)}`)).text);
    break;
  case "resolve":
    if (!sub) fail(USAGE);
    out(await call("POST", `/v1/support/tickets/${encodeURIComponent(sub)}/resolve`), () => console.log(`ticket ${sub} resolved`));
    break;
  case "audit": {
    const { entries } = await call("GET", `/v1/support/audit${q({ target: values.target })}`);
    out(entries, () => table(entries, ["at", "actor", "action", "target"]));
    break;
  }
  default:
    fail(USAGE);
}
