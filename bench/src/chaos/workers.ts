import { freePort, type RunningPlatform, type ServiceProcess, spawnService, waitHealthy } from "@syncwell/platform";

/** Every worker process on the hot-path queue: the platform's own and the extra ones started here. */
export interface WorkerPool {
  /** The ops URL (/health, /metrics) of each worker, the platform's first. */
  urls(): string[];
  /** kill -9 one worker picked at random and start a fresh one in its place; answers its URL. */
  crashOne(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `count - 1` worker processes beside the platform's, with the platform's environment. */
export async function startWorkerPool(platform: RunningPlatform, count: number): Promise<WorkerPool> {
  const extra: { name: string; url: string; port: number; service: ServiceProcess }[] = [];
  const launch = async (name: string, port: number) => {
    const service = spawnService(name, "worker", { ...platform.env, WORKER_PORT: String(port) });
    try {
      await waitHealthy(service, `http://127.0.0.1:${port}/health`);
    } catch (error) {
      await service.stop();
      throw error;
    }
    return service;
  };
  const pool: WorkerPool = {
    urls: () => [platform.urls.worker, ...extra.map((w) => w.url)],
    async crashOne() {
      const victim = Math.floor(Math.random() * (extra.length + 1));
      const worker = extra[victim - 1];
      if (!worker) {
        await platform.crashAndRestart("worker");
        return platform.urls.worker;
      }
      worker.service.child.kill("SIGKILL");
      await worker.service.exited;
      worker.service = await launch(worker.name, worker.port);
      return worker.url;
    },
    async stop() {
      await Promise.all(extra.map((w) => w.service.stop()));
    },
  };
  try {
    for (let i = 2; i <= count; i++) {
      const port = await freePort();
      extra.push({ name: `worker-${i}`, url: `http://127.0.0.1:${port}`, port, service: await launch(`worker-${i}`, port) });
    }
  } catch (error) {
    await pool.stop();
    throw error;
  }
  return pool;
}
