import { request } from "./http.ts";

/** Sums the samples of one metric (optionally only those whose labels contain `match`) from a /metrics page. */
export async function metric(url: string, name: string, match = ""): Promise<number> {
  const text = (await request(`${url}/metrics`)).text;
  return text
    .split("\n")
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && line.includes(match))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}
