/**
 * What the orchestrator asks the streaming load workers to do (scanner streams, watchers, the
 * raw tracking INSERT ceiling) and what they report back. Latencies travel as HDR histograms
 * (µs, compressed base64); counts are per shipment so the orchestrator can check them against
 * the database.
 */

/** Scanners: each a TrackingService.StreamTrackingUpdates stream sending updates for its own shipments. */
export interface ScannerJob {
  address: string;
  metadata: Record<string, string>;
  /** One entry per scanner: the shipments it sends updates for, round-robin. */
  scanners: string[][];
  /** The last sequence each shipment had before the run (0 for fresh ones). */
  baseSequences: Record<string, number>;
  /** Updates a scanner may have sent and not yet seen acked. */
  window: number;
  /** Updates per request message (1: one scan, one message). */
  updatesPerMessage: number;
  durationMs: number;
  /** Fixed arrival rate over all of this worker's scanners; unset: as fast as acks allow (closed loop). */
  ratePerSecond?: number;
  /** Fixed rate only: the schedule runs this long first, unrecorded (notes say `warm-up`), then `durationMs`. */
  warmupMs?: number;
  /** Makes update ids unique per run. */
  runId: string;
  /** Put the intended send time (epoch ms, µs precision) in each update's note: `sent=<ms>`. */
  stampNotes: boolean;
  /** Scanners share this many HTTP/2 connections. */
  channels: number;
}

export interface ScannerResult {
  /** Updates acked as newly stored. */
  acked: number;
  /** Updates acked as duplicates (there should be none: every id is new). */
  duplicates: number;
  errors: Record<string, number>;
  /** Ack latency per update: written by the scanner → its ack read. */
  histogram: string;
  /** Per shipment: newly stored acks and the highest acked sequence. */
  shipments: Record<string, { acked: number; lastSequence: number }>;
  /** Acks whose sequence was not the shipment's previous one + 1. */
  sequenceProblems: number;
  /** Rate mode: how late the scanner got behind its schedule at worst (ms). */
  maxSendLagMs: number;
  /** From the first write to the end of sending (ms): the denominator of the throughput. */
  sendingMs: number;
  /** The scanner process's own CPU time over its run, µs (what streaming the updates costs the callers). */
  cpuUs: number;
}

/** Raw ceiling: the same rows INSERTed into shipment_tracking in batches straight through pg. */
export interface InsertJob {
  url: string;
  organizationId: string;
  shipments: { id: string; createdAt: string }[];
  connections: number;
  batchSize: number;
  durationMs: number;
  runId: string;
  /** 'insert': one autocommit INSERT per batch (the ceiling); 'service': the service's statements per batch (diagnosis). */
  statements: 'insert' | 'service';
}

export interface InsertResult {
  rows: number;
  batches: number;
  errors: Record<string, number>;
  /** Latency per batch INSERT. */
  histogram: string;
  /** The inserting process's own CPU time over its run, µs. */
  cpuUs: number;
}

/** Watchers: WatchShipment streams from sequence 0, each on the given server. */
export interface WatchJob {
  kind: 'watch';
  metadata: Record<string, string>;
  watchers: { shipmentId: string; address: string }[];
  /** Watchers per HTTP/2 connection. */
  watchersPerChannel: number;
  /** Report `ready` once every watcher has received this sequence (the warm-up point). */
  readySequence: number;
  readyTimeoutMs: number;
}

/** Sent after the scanners finished: wait for each watcher to reach its shipment's final sequence, then report. */
export interface WatchFinish {
  kind: 'finish';
  finalSequences: Record<string, number>;
  timeoutMs: number;
}

export type WatchReport =
  | { kind: 'opened' }
  | { kind: 'ready'; notReady: number }
  | {
      kind: 'result';
      /** Points received (all watchers). */
      delivered: number;
      /** Points that should have been received: each watcher's final sequence. */
      expected: number;
      /** Points received a second time (sequence not above the last received). */
      duplicates: number;
      /** Points that skipped sequences (arrived with a gap before them). */
      gaps: number;
      /** Watchers that did not reach their final sequence in time. */
      incomplete: number;
      errors: Record<string, number>;
      /** Ingest → watcher latency of every delivered stamped point. */
      histogram: string;
    };
