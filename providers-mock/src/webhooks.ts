import type { Logger } from "@syncwell/core";

/** One delivery to a subscriber, as the partner would make it. */
export interface WebhookDelivery {
  url: string;
  method?: "POST" | "GET";
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Delivers partner webhooks in the background with the partners' usual policy: a 2 s timeout
 * and up to three attempts. Delivery never blocks or fails the request that caused it.
 */
export class WebhookSender {
  readonly #pending = new Set<Promise<void>>();
  readonly #disabled = new Set<string>();

  /** Test control: a partner's subscription is switched off (as if deleted) or on again. */
  setEnabled(provider: string, enabled: boolean): void {
    if (enabled) this.#disabled.delete(provider);
    else this.#disabled.add(provider);
  }

  isEnabled(provider: string): boolean {
    return !this.#disabled.has(provider);
  }

  constructor(
    private readonly logger: Logger,
    private readonly options: { timeoutMs: number; attempts: number } = { timeoutMs: 2000, attempts: 3 },
  ) {}

  send(provider: string, delivery: WebhookDelivery): void {
    if (!this.isEnabled(provider)) return;
    const task = this.#deliver(delivery).finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** Waits for deliveries under way (used on shutdown and in tests). */
  async drain(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #deliver(delivery: WebhookDelivery): Promise<void> {
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      try {
        const res = await fetch(delivery.url, {
          method: delivery.method ?? "POST",
          headers: { "content-type": "application/json", ...delivery.headers },
          body: delivery.body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.arrayBuffer();
        if (res.ok) return;
        this.logger.warn({ url: delivery.url, status: res.status, attempt }, "webhook delivery rejected");
      } catch (error) {
        this.logger.warn({ url: delivery.url, attempt, err: (error as Error).message }, "webhook delivery failed");
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
