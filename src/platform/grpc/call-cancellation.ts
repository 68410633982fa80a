/**
 * How a call ends early: the client cancels, its deadline passes, or the server ends it (a
 * revoked caller's stream). Whether and why it was ended can be read at any time; the
 * `AbortSignal` that follows it is made only when something asks for one (a stream linking it
 * with shutdown, a handler passing it on).
 *
 * Made on the first ask because Node 20 builds every `AbortSignal` by setting an EventTarget's
 * prototype and then adding properties, which gives each signal a hidden class of its own in
 * old space; with one per call, the signal was the second largest thing a GetProduct call left
 * for the full collection. Unary calls never ask (ReserveStock reads `aborted`); streams do.
 */
export class CallCancellation {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  /** True once the call was ended early, for whichever reason. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why: the AppError the server ended the call with, or an AbortError (client, deadline). */
  get reason(): unknown {
    return this.#reason;
  }

  /** An AbortSignal that aborts with the call (already aborted if the call has ended early). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Ends the call early; the first reason stays (as with AbortController). */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    // What AbortController.abort() gives a signal aborted without a reason.
    this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.#controller?.abort(this.#reason);
  }
}
