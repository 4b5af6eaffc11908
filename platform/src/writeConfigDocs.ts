import { readFileSync, writeFileSync } from "node:fs";
import { withConfigSection } from "./configDocs.ts";
import { withDataTypeTable } from "./dataTypeDocs.ts";

// `npm run docs:config`: regenerates the README's configuration tables from the env schemas, and its
// partner × data type table from core's SUPPORTED_TYPES.
const path = new URL("../../README.md", import.meta.url);
writeFileSync(path, withDataTypeTable(withConfigSection(readFileSync(path, "utf8"))));
process.stdout.write("README.md configuration section and data type table updated\n");
