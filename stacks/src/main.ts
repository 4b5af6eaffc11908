import { ConfigError } from "@syncwell/core";
import { App } from "cdktf";
import { loadStackConfig } from "./config.ts";
import { SyncWellStack } from "./SyncWellStack.ts";

// `npm run synth` (offline): writes cdktf.out/stacks/syncwell, plain Terraform JSON.
try {
  const config = loadStackConfig();
  const app = new App({ outdir: config.CDKTF_OUTDIR });
  new SyncWellStack(app, "syncwell", config);
  app.synth();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
