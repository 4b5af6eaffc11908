import type { Logger } from "@syncwell/core";
import type { SupportMetrics } from "../metrics.ts";
import type { DeadLetters } from "./DeadLetters.ts";

/** Scans the DLQ every interval and opens one ticket per newly dead-lettered job. */
export function watchDlq(
  deps: { deadLetters: DeadLetters; metrics: SupportMetrics; logger: Logger },
  options: { intervalSeconds: number },
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      for (const ticket of await deps.deadLetters.openTickets()) {
        deps.metrics.ticketsOpened.inc({ category: ticket.category, origin: "dlq" });
        deps.logger.info({ ticketId: ticket.id, jobId: ticket.jobId, category: ticket.category }, "ticket opened for a dead-lettered job");
      }
      deps.metrics.dlqScans.inc({ result: "ok" });
    } catch (error) {
      deps.metrics.dlqScans.inc({ result: "failed" });
      deps.logger.warn({ err: (error as Error).message }, "DLQ scan failed; retrying next interval");
    }
    if (!stopped)
      timer = setTimeout(() => {
        running = tick();
      }, options.intervalSeconds * 1000);
  };
  running = tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
