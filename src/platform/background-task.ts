import type { Logger } from './logger.js';

/**
 * Work a domain runs in the background while the server serves (expiring reservations, say).
 * The server starts every task once it listens and stops them when it shuts down, before the
 * database pool closes. Tasks must be safe with several instances running them at once.
 */
export interface BackgroundTask {
  readonly name: string;
  start(): void;
  /** Resolves once no run is in progress and none will start. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs` (measured from the end of one run to the start of the next, so
 * runs never overlap and a slow run delays rather than piles up). A failing run is logged and
 * the next one happens on schedule. The timer does not keep the process alive.
 */
export class PeriodicTask implements BackgroundTask {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.#stopped || this.intervalMs <= 0) return;
    this.#stopped = false;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.run()
        .catch((error) => this.logger.error({ err: error, task: this.name }, 'background task failed'))
        .finally(() => {
          this.#running = undefined;
          this.#schedule();
        });
    }, this.intervalMs);
    this.#timer.unref();
  }
}
