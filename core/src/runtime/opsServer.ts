import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/**
 * `/health` and `/metrics` for a queue consumer; everything else answers a 404 problem. Binds
 * `host`, loopback unless the service's `*_HOST` says otherwise (0.0.0.0 in containers).
 */
export async function startOpsServer(
  port: number,
  registry: Registry,
  health: () => Record<string, unknown> = () => ({}),
  host = "127.0.0.1",
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    if (req.url === "/health")
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", ...health() }));
    if (req.url === "/metrics") return void res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
    res
      .writeHead(404, { "content-type": "application/problem+json" })
      .end(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: "no such route" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs a background service (a queue consumer, a scheduler) behind its `/health` and `/metrics`:
 * if the ops server cannot start, the clients are closed; `close()` stops the work first (running
 * jobs finish), then the ops server, then the clients.
 */
export async function serveInBackground(
  ops: {
    port: number;
    /** The interface to bind. @defaultValue "127.0.0.1" */
    host?: string;
    registry: Registry;
    health?: () => Record<string, unknown>;
  },
  work: { start(): void; stop(): Promise<void> },
  closeClients: () => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await startOpsServer(ops.port, ops.registry, ops.health, ops.host).catch((error) => {
    closeClients();
    throw error;
  });
  work.start();
  return {
    url: server.url,
    async close() {
      await work.stop();
      await server.close();
      closeClients();
    },
  };
}
