import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/** `/health` and `/metrics` for a queue consumer; everything else answers a 404 problem. */
export async function startOpsServer(
  port: number,
  registry: Registry,
  health: () => Record<string, unknown> = () => ({}),
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
    server.listen(port, "0.0.0.0", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
