/**
 * Reads a value every `intervalMs` until stopped, each reading timestamped (epoch ms), so the
 * caller keeps only the readings inside a measured window, not the warm-up. A read that gives
 * undefined (a process gone, a file missing) is skipped.
 */
export class WindowSampler<T> {
  readonly #readings: { at: number; value: T }[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly read: () => T | undefined,
    intervalMs: number,
  ) {
    this.#take();
    this.#timer = setInterval(() => this.#take(), intervalMs);
  }

  #take(): void {
    const value = this.read();
    if (value !== undefined) this.#readings.push({ at: Date.now(), value });
  }

  /** Stops reading (after one last reading); the readings taken between `from` and `to`, in order. */
  stop(from = -Infinity, to = Infinity): T[] {
    clearInterval(this.#timer);
    this.#take();
    return this.#readings.filter((r) => r.at >= from && r.at <= to).map((r) => r.value);
  }
}
