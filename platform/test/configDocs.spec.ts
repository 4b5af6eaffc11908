import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { withConfigSection } from "../src/configDocs.ts";

it("the README's configuration tables match the env schemas (run `npm run docs:config` if not)", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  assert.equal(readme, withConfigSection(readme));
});
