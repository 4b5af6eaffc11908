import { Compile, parse } from "velocityjs";

/**
 * What a mapping template sees, shaped as API Gateway (REST) provides it. Only the subset the
 * templates in `gateway-shim/mapping/` use is implemented (docs/mapping-templates.md):
 * - `$input.params(name)` (path, then query string, then header — header names
 *   case-insensitive; "" when absent), `$input.params()`, `$input.body`, `$input.path('$')` /
 *   `$input.path('$.a.b')`, `$input.json(same)`;
 * - `$util.escapeJavaScript`, `urlEncode`, `urlDecode`, `base64Encode`, `base64Decode`, `parseJson`
 *   with Java's semantics (commons-lang `escapeJavaScript`, `URLEncoder`, UTF-8 Base64);
 * - `$context` as given (e.g. `authorizer.claims.sub`, `requestId`, `requestTimeEpoch`) plus
 *   `responseOverride.status` / `responseOverride.header.*`; `$stageVariables` as given;
 * - on strings, the Java `String` methods `length()`, `matches(regex)`, `replace(a, b)` (every
 *   occurrence), `replaceAll(regex, replacement)`, `startsWith`, `endsWith`, `substring`,
 *   `isEmpty()`, `equals`, `contains`, `toLowerCase()`, `toUpperCase()`, `trim()`.
 * Anything else renders as velocityjs renders it, which may differ from Velocity 1.7: the
 * cross-engine test (gateway-shim/test/mapping.crossEngine.spec.ts) is the judge.
 */
export interface TemplateRequest {
  /** The raw body: the method request's for request templates, the integration's for response templates. */
  body?: string;
  params?: { path?: Record<string, string>; querystring?: Record<string, string>; header?: Record<string, string> };
  context?: Record<string, unknown>;
  stageVariables?: Record<string, string>;
}

export interface RenderedTemplate {
  output: string;
  /** `$context.responseOverride.status`, when the template set it. */
  status?: number;
  /** `$context.responseOverride.header.*`. */
  headers: Record<string, string>;
}

const hex = (code: number) => code.toString(16).toUpperCase();

/** commons-lang 2.x `StringEscapeUtils.escapeJavaScript` (what API Gateway's `$util.escapeJavaScript` is). */
export function escapeJavaScript(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xfff) out += `\\u${hex(c)}`;
    else if (c > 0xff) out += `\\u0${hex(c)}`;
    else if (c > 0x7f) out += `\\u00${hex(c)}`;
    else if (c < 32) {
      const named: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };
      out += named[c] ?? (c > 0xf ? `\\u00${hex(c)}` : `\\u000${hex(c)}`);
    } else {
      const ch = text[i] as string;
      out += ch === "'" || ch === '"' || ch === "\\" || ch === "/" ? `\\${ch}` : ch;
    }
  }
  return out;
}

/** `java.net.URLEncoder.encode(text, "UTF-8")`: letters, digits and `.-*_` stay, space is `+`. */
export function urlEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(ch)) out += ch;
    else if (ch === " ") out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** `java.net.URLDecoder.decode(text, "UTF-8")`. */
export function urlDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, " "));
}

/** Java's `Matcher.replaceAll` replacement: `$n` is a group, a backslash quotes the next character. */
function javaReplacement(replacement: string): (match: string, ...groups: unknown[]) => string {
  return (match, ...groups) => {
    let out = "";
    for (let i = 0; i < replacement.length; i++) {
      const ch = replacement[i] as string;
      if (ch === "\\") out += replacement[++i] ?? "";
      else if (ch === "$" && /\d/.test(replacement[i + 1] ?? "")) {
        const n = Number(replacement[++i]);
        out += n === 0 ? match : String(groups[n - 1] ?? "");
      } else out += ch;
    }
    return out;
  };
}

/** The Java `String` methods the templates may call on strings (velocityjs would call JavaScript's). */
const JAVA_STRING_METHODS: Record<string, (s: string, ...args: unknown[]) => unknown> = {
  length: (s) => s.length,
  matches: (s, regex) => new RegExp(`^(?:${String(regex)})$`, "u").test(s),
  replace: (s, target, replacement) => s.split(String(target)).join(String(replacement)),
  replaceAll: (s, regex, replacement) => s.replace(new RegExp(String(regex), "gu"), javaReplacement(String(replacement))),
  startsWith: (s, prefix) => s.startsWith(String(prefix)),
  endsWith: (s, suffix) => s.endsWith(String(suffix)),
  substring: (s, begin, end) => s.substring(Number(begin), end === undefined ? undefined : Number(end)),
  isEmpty: (s) => s.length === 0,
  equals: (s, other) => s === other,
  contains: (s, part) => s.includes(String(part)),
  toLowerCase: (s) => s.toLowerCase(),
  toUpperCase: (s) => s.toUpperCase(),
  trim: (s) => s.trim(),
};

const customMethodHandlers = [
  {
    uid: "java-string",
    match: ({ property, context }: { property: string; context: unknown }) =>
      typeof context === "string" && Object.hasOwn(JAVA_STRING_METHODS, property),
    resolve: ({ property, context, params }: { property: string; context: unknown; params: unknown[] }) =>
      (JAVA_STRING_METHODS[property] as (s: string, ...args: unknown[]) => unknown)(context as string, ...params),
  },
];

function jsonPath(body: string | undefined, path: string): unknown {
  let value: unknown = body?.trim() ? JSON.parse(body) : {};
  if (path === "$") return value;
  if (!path.startsWith("$.")) throw new Error(`JSONPath ${path} is outside the supported subset ($, $.a.b)`);
  for (const part of path.slice(2).split("."))
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** Parsed once per template text: parsing is most of a render's cost. */
const PARSED = new Map<string, ReturnType<typeof parse>>();
function parsed(template: string): ReturnType<typeof parse> {
  let asts = PARSED.get(template);
  if (!asts) {
    asts = parse(template);
    PARSED.set(template, asts);
  }
  return asts;
}

/** Renders one template as API Gateway would, with velocityjs. */
export function renderTemplate(template: string, request: TemplateRequest): RenderedTemplate {
  const path = request.params?.path ?? {};
  const querystring = request.params?.querystring ?? {};
  const header = request.params?.header ?? {};
  const findHeader = (name: string) => Object.entries(header).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const input = {
    body: request.body ?? "",
    params: (name?: string) =>
      name === undefined ? { path, querystring, header } : (path[name] ?? querystring[name] ?? findHeader(name) ?? ""),
    path: (p: string) => jsonPath(request.body, p),
    json: (p: string) => JSON.stringify(jsonPath(request.body, p) ?? null),
  };
  const util = {
    escapeJavaScript: (s: unknown) => escapeJavaScript(String(s)),
    urlEncode: (s: unknown) => urlEncode(String(s)),
    urlDecode: (s: unknown) => urlDecode(String(s)),
    base64Encode: (s: unknown) => Buffer.from(String(s), "utf8").toString("base64"),
    base64Decode: (s: unknown) => Buffer.from(String(s), "base64").toString("utf8"),
    parseJson: (s: unknown) => JSON.parse(String(s)),
  };
  const responseOverride: { status?: unknown; header: Record<string, unknown> } = { header: {} };
  const context = { ...structuredClone(request.context ?? {}), responseOverride };
  const output = new Compile(parsed(template), { customMethodHandlers }).render(
    { input, util, context, stageVariables: request.stageVariables ?? {} },
    {},
  );
  const headers = Object.fromEntries(Object.entries(responseOverride.header).map(([k, v]) => [k, String(v)]));
  return responseOverride.status === undefined ? { output, headers } : { output, status: Number(responseOverride.status), headers };
}
