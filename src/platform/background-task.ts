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
  /** Tells `listener` about every run that ends (for metrics). */
  observe?(listener: TaskRunListener): void;
}

/** Hears how each run of a task went and how long it took. */
export type TaskRunListener = (task: string, ok: boolean, seconds: number) => void;

export interface PeriodicTaskOptions {
  /** Run once as soon as the task starts, then every interval (default: first run after one interval). */
  runAtStart?: boolean;
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
  readonly #listeners: TaskRunListener[] = [];

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<void>,
    private readonly logger: Logger,
    private readonly options: PeriodicTaskOptions = {},
  ) {}

  start(): void {
    if (!this.#stopped || this.intervalMs <= 0) return;
    this.#stopped = false;
    this.#schedule(this.options.runAtStart ? 0 : this.intervalMs);
  }

  observe(listener: TaskRunListener): void {
    this.#listeners.push(listener);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs = this.intervalMs): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      const started = performance.now();
      this.#running = this.run()
        .then(
          () => this.#ran(true, started),
          (error) => {
            this.logger.error({ err: error, task: this.name }, 'background task failed');
            this.#ran(false, started);
          },
        )
        .finally(() => {
          this.#running = undefined;
          this.#schedule();
        });
    }, delayMs);
    this.#timer.unref();
  }

  #ran(ok: boolean, started: number): void {
    for (const listener of this.#listeners) listener(this.name, ok, (performance.now() - started) / 1000);
  }
}
