import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { withConfigSection } from "../src/configDocs.ts";
import { withDataTypeTable } from "../src/dataTypeDocs.ts";

it("the README's configuration tables match the env schemas (run `npm run docs:config` if not)", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  assert.equal(readme, withConfigSection(readme));
});

it("the README's partner × data type table is core's SUPPORTED_TYPES, which config creation enforces (run `npm run docs:config` if not)", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  assert.equal(readme, withDataTypeTable(readme));
});
