/**
 * A load-generator process of watchers: each one a TrackingService.WatchShipment stream from
 * sequence 0 on its server. For every point received it checks order (exactly the previous
 * sequence + 1) and, when the note carries the scanner's send time (`sent=<epoch ms>`), records
 * ingest → watcher latency in an HDR histogram. The orchestrator talks to it in steps:
 * WatchJob → `opened`, then `ready` once every watcher got the warm-up point (so every live
 * subscription is in place), then WatchFinish → `result` once every watcher reached its
 * shipment's final sequence (or the timeout passed).
 */
import {
  Client,
  credentials,
  Metadata,
  status as Status,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { WatchShipmentRequest, WatchShipmentResponse } from '../gen/ts/imsop/shipments/v1/tracking_service.js';
import { encodeHistogram, newHistogram } from './histogram.js';
import type { WatchFinish, WatchJob, WatchReport } from './stream-protocol.js';

const PATH = '/imsop.shipments.v1.TrackingService/WatchShipment';
const STAMP = /^sent=(\d+(?:\.\d+)?)$/;
const histogram = newHistogram();
const errors: Record<string, number> = {};
let delivered = 0;
let duplicates = 0;
let gaps = 0;
const epochMs = () => performance.timeOrigin + performance.now();
const report = (r: WatchReport) => process.send!(r);

interface Watcher {
  shipmentId: string;
  last: number;
  call: ClientReadableStream<WatchShipmentResponse>;
  ended: boolean;
}

/** Calls `check` whenever a point arrives (and every 100 ms) until it returns true or the timeout passes. */
let progress: (() => void) | undefined;
function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      clearInterval(tick);
      progress = undefined;
      resolve(ok);
    };
    const timer = setTimeout(() => finish(check()), timeoutMs);
    const tick = setInterval(() => check() && finish(true), 100);
    progress = () => check() && finish(true);
  });
}

async function main(job: WatchJob): Promise<void> {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(job.metadata)) metadata.set(k, v);
  const clients = new Map<string, Client[]>();
  const clientFor = (address: string, i: number) => {
    const list = clients.get(address) ?? [];
    clients.set(address, list);
    const slot = Math.floor(i / job.watchersPerChannel);
    while (list.length <= slot)
      list.push(
        new Client(address, credentials.createInsecure(), {
          'grpc.primary_user_agent': `bench-watch-${process.pid}-${list.length}`,
        }),
      );
    return list[slot]!;
  };
  const perAddress = new Map<string, number>();
  const watchers: Watcher[] = job.watchers.map(({ shipmentId, address }) => {
    const i = perAddress.get(address) ?? 0;
    perAddress.set(address, i + 1);
    const call = clientFor(address, i).makeServerStreamRequest(
      PATH,
      (m: WatchShipmentRequest) => Buffer.from(WatchShipmentRequest.encode(m).finish()),
      (b: Buffer) => WatchShipmentResponse.decode(b),
      { shipmentId, sinceSequence: 0 },
      metadata,
    );
    const w: Watcher = { shipmentId, last: 0, call, ended: false };
    call.on('data', (m: WatchShipmentResponse) => {
      const now = epochMs();
      const point = m.trackingPoint!;
      delivered++;
      if (point.sequence <= w.last) duplicates++;
      else {
        if (point.sequence !== w.last + 1) gaps++;
        w.last = point.sequence;
      }
      const stamp = STAMP.exec(point.note);
      if (stamp) histogram.recordValue(Math.max(1, Math.round((now - Number(stamp[1])) * 1000)));
      progress?.();
    });
    call.on('error', (error: ServiceError) => {
      w.ended = true;
      const key = `grpc ${error.code} ${error.details}`.slice(0, 100);
      if (error.code !== Status.CANCELLED) errors[key] = (errors[key] ?? 0) + 1;
    });
    call.on('end', () => (w.ended = true));
    return w;
  });
  report({ kind: 'opened' });
  await until(() => watchers.every((w) => w.last >= job.readySequence || w.ended), job.readyTimeoutMs);
  report({ kind: 'ready', notReady: watchers.filter((w) => w.last < job.readySequence).length });

  const finish = await new Promise<WatchFinish>((resolve) => process.once('message', (m) => resolve(m as WatchFinish)));
  const final = (w: Watcher) => finish.finalSequences[w.shipmentId] ?? 0;
  await until(() => watchers.every((w) => w.last >= final(w) || w.ended), finish.timeoutMs);
  for (const w of watchers) w.call.cancel();
  for (const list of clients.values()) list.forEach((c) => c.close());
  report({
    kind: 'result',
    delivered,
    expected: watchers.reduce((n, w) => n + final(w), 0),
    duplicates,
    gaps,
    incomplete: watchers.filter((w) => w.last !== final(w)).length,
    errors,
    histogram: encodeHistogram(histogram),
  });
  process.disconnect();
}

process.once('message', (job) =>
  main(job as WatchJob).catch((error) => {
    console.error(error);
    process.exit(1);
  }),
);
