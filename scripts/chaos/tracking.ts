/**
 * Live tracking from the client side, as the scenarios drive it: a watcher that follows a
 * shipment and resumes from the last sequence it received whenever its stream ends with a
 * resumable status, checking that it sees every sequence once and in order; and scanners that
 * keep every update until the server acknowledges it.
 */
import { randomUUID } from 'node:crypto';
import type { TrackingUpdate } from '../../gen/ts/imsop/shipments/v1/resources.js';
import { ImsopError, type ImsopClient } from '@imsop/sdk';
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
        for await (const { trackingPoint } of this.client().tracking.watchShipment(
          { shipmentId: this.shipmentId, sinceSequence: this.#last },
          { signal: this.#abort.signal },
        )) {
          const sequence = Number(trackingPoint!.sequence);
          if (sequence !== this.#last + 1)
            this.violations.push(
              sequence <= this.#last
                ? `duplicate ${sequence} after ${this.#last}`
                : `gap: ${sequence} after ${this.#last}`,
            );
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
          this.violations.push(
            `stream ended telling to resume from ${ending.resumeFrom}, but the last point received was ${this.#last}`,
          );
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
          this.errors.push({
            at: Date.now(),
            code: codeOf(error),
            reason: error instanceof ImsopError ? error.reason : undefined,
          });
          if (attempt > 200) return;
          await sleep(100);
        }
      }
      await sleep(this.intervalMs);
    }
  }
}

/** How a scanner stream ended. */
export interface StreamEnding {
  at: number;
  code: string;
  reason?: string;
  /** Updates sent on the stream and not acknowledged when it ended. */
  unacked: number;
}

/**
 * A scanner on the StreamTrackingUpdates stream, like examples/scanner.ts: sends updates in
 * small batches, keeps each until acknowledged, and when the stream ends with UNAVAILABLE opens
 * a new one (to whatever server `client()` names now) and re-sends what was not acknowledged.
 * Checks as it goes that a re-sent update that was stored comes back `duplicate` with its
 * first sequence.
 */
export class StreamScanner {
  /** update id -> the sequence of its first ack. */
  readonly acked = new Map<string, number>();
  readonly endings: StreamEnding[] = [];
  readonly violations: string[] = [];
  /** Updates acknowledged `duplicate` after a re-send (stored, but their ack was lost). */
  duplicatesAfterResend = 0;
  readonly #pending = new Map<string, TrackingUpdate>();
  #n = 0;
  #stopping = false;
  #done: Promise<void> | undefined;

  constructor(
    private readonly client: () => ImsopClient,
    readonly shipmentId: string,
    private readonly intervalMs: number,
  ) {}

  get unacked(): number {
    return this.#pending.size;
  }

  start(): void {
    this.#done = this.#run();
  }

  /** Stops producing updates; resolves once every update sent was acknowledged (or `timeoutMs`). */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    await Promise.race([this.#done, sleep(timeoutMs)]);
  }

  async #run(): Promise<void> {
    for (let connection = 0; connection < 500; connection++) {
      const resend = [...this.#pending.values()];
      const abort = new AbortController();
      const requests = async function* (this: StreamScanner) {
        if (resend.length > 0) yield { updates: resend };
        while (!this.#stopping && !abort.signal.aborted) {
          const batch = [trackingUpdate(this.shipmentId, ++this.#n), trackingUpdate(this.shipmentId, ++this.#n)];
          for (const u of batch) this.#pending.set(u.updateId, u);
          yield { updates: batch };
          await sleep(this.intervalMs);
        }
        // Then the client half-closes; the server answers what is left and ends OK.
      }.bind(this);
      try {
        for await (const { acks } of this.client().tracking.streamTrackingUpdates(requests(), {
          signal: abort.signal,
        })) {
          for (const ack of acks) {
            if (ack.error) {
              this.violations.push(`update ${ack.updateId} rejected: ${ack.error.code} ${ack.error.message}`);
              this.#pending.delete(ack.updateId);
              continue;
            }
            const first = this.acked.get(ack.updateId);
            if (first !== undefined && (!ack.duplicate || Number(ack.sequence) !== first)) {
              this.violations.push(
                `update ${ack.updateId} acked again as ${ack.sequence}${ack.duplicate ? ' duplicate' : ''}, first as ${first}`,
              );
            }
            if (first === undefined) this.acked.set(ack.updateId, Number(ack.sequence));
            if (ack.duplicate && first === undefined) this.duplicatesAfterResend++;
            this.#pending.delete(ack.updateId);
          }
        }
        if (this.#pending.size === 0 && this.#stopping) return;
        this.endings.push({ at: Date.now(), code: 'OK', unacked: this.#pending.size });
      } catch (error) {
        abort.abort();
        this.endings.push({
          at: Date.now(),
          code: codeOf(error),
          reason: error instanceof ImsopError ? error.reason : undefined,
          unacked: this.#pending.size,
        });
        if (!(error instanceof ImsopError) || error.codeName !== 'UNAVAILABLE') {
          this.violations.push(
            `stream ended with ${codeOf(error)} ${error instanceof ImsopError ? (error.reason ?? '') : ''}, not a status to re-send after`,
          );
          return;
        }
        await sleep(200);
      }
    }
  }
}
