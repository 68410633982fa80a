/**
 * A load-generator process of scanners: each scanner is one TrackingService.StreamTrackingUpdates
 * stream sending updates for its own shipments (round-robin), keeping at most `window` updates
 * unacked. Closed loop (as fast as acks allow) or at a fixed arrival rate (live-fanout's
 * ingest, sends on schedule whether or not acks keep up; its first `warmupMs` are sent but not
 * recorded). Acks arrive in order, so the oldest unacked send time answers each ack. Reports
 * counts, per-shipment sequences and an HDR histogram of ack latency to the parent over IPC.
 */
import http2 from 'node:http2';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { TrackingUpdate, TrackingUpdateAck } from '../gen/ts/imsop/shipments/v1/resources.js';
import {
  StreamTrackingUpdatesRequest,
  StreamTrackingUpdatesResponse,
} from '../gen/ts/imsop/shipments/v1/tracking_service.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import { Http2Stream } from './http2-stream.js';
import type { ScannerJob, ScannerResult } from './stream-protocol.js';
import { cpuSpent } from './process-cpu.js';

const PATH = '/imsop.shipments.v1.TrackingService/StreamTrackingUpdates';
const histogram = newHistogram();
const errors: Record<string, number> = {};
const shipments: ScannerResult['shipments'] = {};
let acked = 0;
let duplicates = 0;
let sequenceProblems = 0;
let maxSendLagMs = 0;
let lastAckAt = 0;
const countError = (key: string) => (errors[key] = (errors[key] ?? 0) + 1);
/** Wall-clock ms with sub-ms precision, comparable between processes on this machine. */
const epochMs = () => performance.timeOrigin + performance.now();

/** One scanner's stream, whichever client carries it. */
interface UpdateStream {
  write(message: StreamTrackingUpdatesRequest): void;
  end(): void;
}

/**
 * Opens a scanner's stream on channel `index`: `onResponse` gets each response, `onClose` how it
 * ended (undefined for OK). Over node:http2 (the lighter client: the default), or through grpc-js
 * with BENCH_CLIENT=grpc-js (what runs before 2026-12-08 measured with).
 */
type OpenStream = (
  index: number,
  onResponse: (response: StreamTrackingUpdatesResponse) => void,
  onClose: (failure: { code?: number; details: string } | undefined) => void,
) => UpdateStream;

function grpcJsStreams(job: ScannerJob): { open: OpenStream; close(): void } {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(job.metadata)) metadata.set(k, v);
  const clients = Array.from(
    { length: job.channels },
    (_, i) =>
      new Client(job.address, credentials.createInsecure(), {
        'grpc.primary_user_agent': `bench-scanner-${process.pid}-${i}`,
      }),
  );
  return {
    open: (index, onResponse, onClose) => {
      const call = clients[index % clients.length]!.makeBidiStreamRequest(
        PATH,
        (m: StreamTrackingUpdatesRequest) => Buffer.from(StreamTrackingUpdatesRequest.encode(m).finish()),
        (b: Buffer) => StreamTrackingUpdatesResponse.decode(b),
        metadata,
      );
      call.on('data', onResponse);
      call.on('error', (error: ServiceError) => onClose({ code: error.code, details: error.details }));
      call.on('end', () => onClose(undefined));
      return call;
    },
    close: () => clients.forEach((c) => c.close()),
  };
}

function http2Streams(job: ScannerJob): { open: OpenStream; close(): void } {
  const sessions = Array.from({ length: job.channels }, () => {
    const session = http2.connect(`http://${job.address}`);
    session.on('error', () => {}); // each stream reports its own failure
    return session;
  });
  return {
    open: (index, onResponse, onClose) => {
      const stream = new Http2Stream(
        sessions[index % sessions.length]!,
        PATH,
        job.metadata,
        (m: StreamTrackingUpdatesRequest) => StreamTrackingUpdatesRequest.encode(m).finish(),
        (b) => StreamTrackingUpdatesResponse.decode(b),
        onResponse,
      );
      void stream.closed.then(onClose);
      return stream;
    },
    close: () => sessions.forEach((s) => s.close()),
  };
}

class Scanner {
  readonly #call: UpdateStream;
  /** Send times (performance.now()) of the unacked updates, oldest first; NaN for a warm-up update (not recorded). */
  readonly #sent: number[] = [];
  #sentHead = 0;
  #n = 0;
  readonly done: Promise<void>;
  onAck: () => void = () => {};

  constructor(
    open: OpenStream,
    private readonly index: number,
    private readonly own: string[],
    private readonly job: ScannerJob,
  ) {
    let closed: () => void = () => {};
    this.done = new Promise((resolve) => (closed = resolve));
    this.#call = open(
      index,
      (response) => {
        const now = performance.now();
        lastAckAt = now;
        for (const ack of response.acks) this.#ack(ack, now);
        this.onAck();
      },
      (failure) => {
        if (failure) countError(`stream ended: grpc ${failure.code} ${failure.details}`.slice(0, 100));
        closed();
      },
    );
  }

  get inFlight(): number {
    return this.#sent.length - this.#sentHead;
  }

  /**
   * Writes `count` updates in messages of up to updatesPerMessage; `intended` (epoch ms) stamps
   * each note when asked. A `warmup` update's note says so instead: neither its ack nor its
   * delivery to watchers is recorded.
   */
  send(count: number, intended?: number, warmup = false): void {
    for (let left = count; left > 0;) {
      const take = Math.min(left, this.job.updatesPerMessage);
      const updates: TrackingUpdate[] = [];
      const stamp = intended ?? epochMs();
      for (let i = 0; i < take; i++) updates.push(this.#update(stamp, warmup));
      const now = warmup ? Number.NaN : performance.now();
      for (let i = 0; i < take; i++) this.#sent.push(now);
      this.#call.write({ update: undefined, updates });
      left -= take;
    }
  }

  end(): void {
    this.#call.end();
  }

  #update(stamp: number, warmup: boolean): TrackingUpdate {
    const n = this.#n++;
    return {
      updateId: `${this.job.runId}-${this.index}-${n}`,
      shipmentId: this.own[n % this.own.length]!,
      trackingNumber: '',
      carrier: '',
      location: `Bench dock ${n % 16}`,
      position: { latitude: 52.5 + (n % 100) / 1000, longitude: 13.4 + (n % 100) / 1000 },
      eventTime: new Date(),
      status: 0,
      note: !this.job.stampNotes ? '' : warmup ? 'warm-up' : `sent=${stamp.toFixed(3)}`,
    };
  }

  #ack(ack: TrackingUpdateAck, now: number): void {
    const sentAt = this.#sent[this.#sentHead++];
    if (this.#sentHead > 4096) {
      this.#sent.splice(0, this.#sentHead);
      this.#sentHead = 0;
    }
    if (ack.error) {
      countError(`ack error ${ack.error.code}: ${ack.error.message}`.slice(0, 100));
      return;
    }
    if (sentAt !== undefined && !Number.isNaN(sentAt))
      histogram.recordValue(Math.max(1, Math.round((now - sentAt) * 1000)));
    if (ack.duplicate) {
      duplicates++;
      return;
    }
    acked++;
    const s = (shipments[ack.shipmentId] ??= { acked: 0, lastSequence: this.job.baseSequences[ack.shipmentId] ?? 0 });
    if (ack.sequence !== s.lastSequence + 1) sequenceProblems++;
    s.acked++;
    s.lastSequence = Math.max(s.lastSequence, ack.sequence);
  }
}

async function main(job: ScannerJob): Promise<void> {
  const streams = process.env.BENCH_CLIENT === 'grpc-js' ? grpcJsStreams(job) : http2Streams(job);
  const scanners = job.scanners.map((own, i) => new Scanner(streams.open, i, own, job));
  const spent = cpuSpent();
  const started = performance.now();
  const stopAt = started + job.durationMs;
  let sendingMs = job.durationMs;

  if (job.ratePerSecond === undefined) {
    // Closed loop: fill each window, top it up as acks come in, until time is up.
    for (const s of scanners) {
      const refill = () => {
        if (performance.now() < stopAt) {
          const free = job.window - s.inFlight;
          if (free >= Math.min(job.window, job.updatesPerMessage)) s.send(free);
        } else if (s.inFlight === 0) s.end();
      };
      s.onAck = refill;
      refill();
    }
    await new Promise((r) => setTimeout(r, job.durationMs));
    for (const s of scanners) if (s.inFlight === 0) s.end();
    await Promise.all(scanners.map((s) => s.done));
    sendingMs = lastAckAt - started; // acks of the last windows arrive after the clock stopped
  } else {
    // Fixed rate: update k is due at started + k / rate, whatever the acks do; its note carries
    // that time. The first warmupMs run the same schedule unrecorded (as the closed-loop
    // scenarios' warm-up: the server's first second under load compiles its hot paths and grows
    // its young generation), then durationMs are recorded.
    const intervalMs = 1000 / job.ratePerSecond;
    const startEpoch = performance.timeOrigin + started;
    const warmupMs = job.warmupMs ?? 0;
    let k = 0;
    for (;;) {
      const now = performance.now();
      if (now >= stopAt + warmupMs) break;
      const due = Math.floor((now - started) / intervalMs) + 1;
      for (; k < due; k++) {
        const scanner = scanners[k % scanners.length]!;
        maxSendLagMs = Math.max(maxSendLagMs, now - (started + k * intervalMs));
        if (scanner.inFlight >= job.window) countError('window full (sent anyway)');
        scanner.send(1, startEpoch + k * intervalMs, k * intervalMs < warmupMs);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, started + k * intervalMs - performance.now())));
    }
    sendingMs = performance.now() - started;
    for (const s of scanners) {
      if (s.inFlight === 0) s.end();
      else s.onAck = () => s.inFlight === 0 && s.end();
    }
  }
  await Promise.all(scanners.map((s) => s.done));
  streams.close();
  const result: ScannerResult = {
    acked,
    duplicates,
    errors,
    histogram: encodeHistogram(histogram),
    shipments,
    sequenceProblems,
    maxSendLagMs,
    sendingMs,
    cpuUs: spent(),
  };
  process.send!(result, () => process.disconnect());
}

process.once('message', (job) =>
  main(job as ScannerJob).catch((error) => {
    console.error(error);
    process.exit(1);
  }),
);
