/**
 * Live tracking from the client side, as the scenarios drive it: a watcher that follows a
 * shipment and resumes from the last sequence it received whenever its stream ends with a
 * resumable status, checking that it sees every sequence once and in order; and scanners that
 * keep every update until the server acknowledges it.
 */
import { randomUUID } from 'node:crypto';
import type { TrackingUpdate } from '../../gen/ts/imsop/shipments/v1/resources.js';
import { ImsopError, type ImsopClient } from '../../src/sdk/index.js';
import { codeOf, sleep } from './support.js';

/** How a watch stream ended, as the client saw it. */
export interface WatchEnding {
  at: number;
  code: string;
  reason?: string;
  /** ErrorInfo metadata resume_from_sequence, when the server sent one. */
  resumeFrom?: number;
  /** The last sequence this watcher had received when the stream ended. */
  lastReceived: number;
}

export class Watcher {
  readonly received: { sequence: number; at: number }[] = [];
  readonly violations: string[] = [];
  readonly endings: WatchEnding[] = [];
  #last = 0;
  #abort = new AbortController();
  #done: Promise<void> | undefined;

  constructor(
    private readonly client: () => ImsopClient,
    readonly shipmentId: string,
    /** Which endings the watcher resumes after (others stop it and are reported). */
    private readonly resumable: (ending: WatchEnding) => boolean,
  ) {}

  get last(): number {
    return this.#last;
  }

  start(): void {
    this.#done = this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  /** Resolves once the watcher has received `sequence`, or false after `timeoutMs`. */
  async reach(sequence: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#last < sequence && Date.now() < deadline) await sleep(20);
    return this.#last >= sequence;
  }

  async #run(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      try {
        for await (const { trackingPoint } of this.client().tracking.watchShipment({ shipmentId: this.shipmentId, sinceSequence: this.#last }, { signal: this.#abort.signal })) {
          const sequence = Number(trackingPoint!.sequence);
          if (sequence !== this.#last + 1) this.violations.push(sequence <= this.#last ? `duplicate ${sequence} after ${this.#last}` : `gap: ${sequence} after ${this.#last}`);
          this.#last = Math.max(this.#last, sequence);
          this.received.push({ sequence, at: Date.now() });
        }
        if (this.#abort.signal.aborted) return;
        this.endings.push({ at: Date.now(), code: 'OK', lastReceived: this.#last });
        this.violations.push('watch ended OK, which a watch of a live shipment never should');
        return;
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        const resume = error instanceof ImsopError ? error.metadata.resume_from_sequence : undefined;
        const ending: WatchEnding = {
          at: Date.now(),
          code: codeOf(error),
          reason: error instanceof ImsopError ? error.reason : undefined,
          resumeFrom: resume === undefined ? undefined : Number(resume),
          lastReceived: this.#last,
        };
        this.endings.push(ending);
        if (ending.resumeFrom !== undefined && ending.resumeFrom !== this.#last) {
          this.violations.push(`stream ended telling to resume from ${ending.resumeFrom}, but the last point received was ${this.#last}`);
        }
        if (!this.resumable(ending)) {
          this.violations.push(`watch ended with ${ending.code} ${ending.reason ?? ''}, not a status to resume from`);
          return;
        }
        await sleep(200);
      }
    }
  }
}

export function trackingUpdate(shipmentId: string, n: number): TrackingUpdate {
  return {
    updateId: `chaos-${randomUUID()}`,
    shipmentId,
    trackingNumber: '',
    carrier: '',
    location: `Checkpoint ${n}`,
    position: { latitude: 50 + (n % 100) / 100, longitude: 10 + (n % 100) / 100 },
    eventTime: new Date(),
    status: 0,
    note: '',
  };
}

/**
 * A scanner on the unary RecordTrackingUpdate: one update at a time, each retried (same
 * update_id) until acknowledged. `acked` maps update ids to the sequence the server answered.
 */
export class UnaryScanner {
  readonly acked = new Map<string, number>();
  readonly errors: { at: number; code: string; reason?: string }[] = [];
  #stopping = false;
  #done: Promise<void> | undefined;

  constructor(
    private readonly client: () => ImsopClient,
    readonly shipmentId: string,
    private readonly intervalMs: number,
  ) {}

  get maxSequence(): number {
    return Math.max(0, ...this.acked.values());
  }

  start(): void {
    this.#done = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#done;
  }

  async #run(): Promise<void> {
    for (let n = 1; !this.#stopping; n++) {
      const update = trackingUpdate(this.shipmentId, n);
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await this.client().tracking.recordTrackingUpdate({ update });
          this.acked.set(update.updateId, Number(res.trackingPoint!.sequence));
          break;
        } catch (error) {
          this.errors.push({ at: Date.now(), code: codeOf(error), reason: error instanceof ImsopError ? error.reason : undefined });
          if (attempt > 200) return;
          await sleep(100);
        }
      }
      await sleep(this.intervalMs);
    }
  }
}
