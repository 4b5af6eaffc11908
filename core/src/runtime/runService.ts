import type { Logger } from "../logging/logger.ts";

/**
 * Runs a service's start function as a process: logs where it listens, stops cleanly on
 * SIGTERM/SIGINT, and turns a start-up failure into one line on stderr and exit code 1.
 */
export async function runService(
  service: { name: string; logger: Logger; port: number; portVariable: string },
  start: () => Promise<{ url: string; close(): Promise<void> }>,
): Promise<void> {
  try {
    const running = await start();
    service.logger.info({ url: running.url }, `${service.name} listening`);
    const stop = async (signal: string) => {
      service.logger.info({ signal }, `${service.name} stopping`);
      await running.close();
      process.exit(0);
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
  } catch (error) {
    const inUse = (error as { code?: string }).code === "EADDRINUSE";
    process.stderr.write(
      inUse
        ? `${service.name}: port ${service.port} is already in use (set ${service.portVariable})\n`
        : `${service.name}: cannot start: ${(error as Error).message}\n`,
    );
    process.exit(1);
  }
}
