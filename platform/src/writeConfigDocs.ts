import { readFileSync, writeFileSync } from "node:fs";
import { withConfigSection } from "./configDocs.ts";

// `npm run docs:config`: regenerates the README's configuration tables from the env schemas.
const path = new URL("../../README.md", import.meta.url);
writeFileSync(path, withConfigSection(readFileSync(path, "utf8")));
process.stdout.write("README.md configuration section updated\n");
