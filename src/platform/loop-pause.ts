/**
 * The pause of a background loop between rounds, which a nudge (new work) or a stop cuts short.
 * One pause at a time: `wake()` ends the current one, and does nothing when the loop is not
 * pausing (the loop checks its own flags before it pauses, so a nudge is never lost).
 */
export class LoopPause {
  #wake: (() => void) | undefined;

  /** @param unref whether a pending pause may let the process exit (a task that must not hold it up). */
  constructor(private readonly unref = false) {}

  /** Waits `ms`, or less when woken. */
  for(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (this.unref) timer.unref();
      this.#wake = done;
    });
  }

  wake(): void {
    this.#wake?.();
  }
}
