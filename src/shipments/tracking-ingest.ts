import type { Database, TenantScope } from '../platform/db/database.js';
import { toGrpcError } from '../platform/grpc/status.js';
import { recordPoints, recordWithResends, type RecordDeps, type RecordOutcome } from './record-points.js';
import type { TrackingPartitions } from './tracking-partitions.js';
import { takeBatch } from './ingest-batches.js';
import type { PointDraft } from './tracking-update.js';

/** Most drafts stored in one transaction: big enough to amortise a commit, small enough to keep locks short. */
export const MAX_BATCH = 500;
/** Transactions one organization's plain updates may have running at once (the rest queue up and batch). */
const BATCHES_IN_FLIGHT = 4;

interface Job {
  scope: TenantScope;
  drafts: PointDraft[];
  /** The shipments the drafts name (by id or tracking number): what the job's transaction will lock. */
  keys: Set<string>;
  size: number;
  resolve(outcomes: RecordOutcome[]): void;
}

interface OrganizationQueue {
  jobs: Job[];
  /** Shipment keys of the batches in flight: a job naming one of them waits for that batch. */
  busy: Set<string>;
  inFlight: number;
}

/**
 * Stores the validated updates of scanner streams in as few transactions as correctness
 * allows; one commit for many points is where ingest throughput comes from.
 *
 * Plain updates (no status) of all the streams of an organization share transactions (group
 * commit): a stream's round joins a per-organization queue, and whatever has queued up while
 * earlier batches were in flight becomes the next batch: one transaction, one multi-row INSERT,
 * one commit (up to MAX_BATCH drafts). The first round of an idle organization goes at once: no
 * timer. Each stream still sees its own updates stored in order (it waits for its round before
 * sending the next). Plain points change no audited column, so the transaction's actor does not
 * matter; each point records its own sender (recorded_by).
 *
 * Up to BATCHES_IN_FLIGHT batches of an organization run at once, but never two naming the same
 * shipment: a round naming a shipment of a batch in flight waits for it (and so does every later
 * round naming it, so a shipment's rounds keep their queue order). Batches of different
 * shipments therefore never queue on each other's row locks, while a shipment's sequence is
 * still assigned under its row lock (record-points.ts) — the locks stay what makes sequences
 * gapless, this only keeps transactions from holding connections while they wait for them.
 *
 * A round carrying a status is stored on its own, in order, and each update with a status
 * gets a transaction of its own: its status change may fail (illegal transition, no stock at
 * the origin) and must then roll back alone.
 */
export class TrackingIngest {
  readonly #queues = new Map<string, OrganizationQueue>();

  constructor(
    private readonly db: Database,
    private readonly partitions: TrackingPartitions,
    private readonly deps: RecordDeps,
  ) {}

  /** One outcome per draft, in order. Never rejects: failures are outcomes. */
  async record(scope: TenantScope, drafts: PointDraft[]): Promise<RecordOutcome[]> {
    const own = drafts.map((d) => ({ ...d, recordedBy: scope.userId || null }));
    if (own.some((d) => d.status !== null)) return this.#recordInOrder(scope, own);
    return new Promise((resolve) => {
      let queue = this.#queues.get(scope.organizationId);
      if (!queue) {
        queue = { jobs: [], busy: new Set(), inFlight: 0 };
        this.#queues.set(scope.organizationId, queue);
      }
      queue.jobs.push({ scope, drafts: own, keys: new Set(own.map(shipmentKey)), size: own.length, resolve });
      this.#dispatch(scope.organizationId, queue);
    });
  }

  /** Starts batches while there is room and a job that no batch in flight conflicts with. */
  #dispatch(organizationId: string, queue: OrganizationQueue): void {
    while (queue.inFlight < BATCHES_IN_FLIGHT) {
      const batch = takeBatch(queue.jobs, queue.busy, MAX_BATCH);
      if (batch.length === 0) break;
      const keys = new Set(batch.flatMap((job) => [...job.keys]));
      for (const key of keys) queue.busy.add(key);
      queue.inFlight++;
      void this.#run(batch).finally(() => {
        for (const key of keys) queue.busy.delete(key);
        queue.inFlight--;
        if (queue.jobs.length > 0) this.#dispatch(organizationId, queue);
        else if (queue.inFlight === 0 && this.#queues.get(organizationId) === queue)
          this.#queues.delete(organizationId);
      });
    }
  }

  /** Stores one batch of whole rounds in one transaction (or MAX_BATCH-sized ones) and answers each round. */
  async #run(batch: Job[]): Promise<void> {
    const outcomes: RecordOutcome[] = [];
    const drafts = batch.flatMap((j) => j.drafts);
    try {
      for (let i = 0; i < drafts.length; i += MAX_BATCH)
        outcomes.push(...(await this.#recordGroup(batch[0]!.scope, drafts.slice(i, i + MAX_BATCH))));
    } catch (error) {
      // #recordGroup turns failures into outcomes; should anything escape, no stream may hang.
      outcomes.push(...drafts.slice(outcomes.length).map(() => ({ ok: false as const, error })));
    }
    let at = 0;
    for (const job of batch) {
      job.resolve(outcomes.slice(at, at + job.drafts.length));
      at += job.drafts.length;
    }
  }

  /** One stream's round with statuses: plain runs share a transaction, each status update has its own. */
  async #recordInOrder(scope: TenantScope, drafts: PointDraft[]): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = [];
    let group: PointDraft[] = [];
    const flush = async () => {
      if (group.length > 0) outcomes.push(...(await this.#recordGroup(scope, group)));
      group = [];
    };
    for (const draft of drafts) {
      if (draft.status !== null) {
        await flush();
        group = [draft];
        await flush();
      } else {
        group.push(draft);
        if (group.length >= MAX_BATCH) await flush();
      }
    }
    await flush();
    return outcomes;
  }

  async #recordGroup(scope: TenantScope, drafts: PointDraft[]): Promise<RecordOutcome[]> {
    try {
      return await this.partitions.withPartition(() =>
        recordWithResends((lookUpResends) =>
          this.db.inTenant(scope, (work) => recordPoints(work, drafts, this.deps, lookUpResends)),
        ),
      );
    } catch (error) {
      // An unexpected failure of a shared transaction: store the updates one by one, so only
      // the update that causes it is refused. Failures that say "retry" (database down) fail
      // the whole group at once instead of N times.
      if (drafts.length > 1 && toGrpcError(error, '').unexpected) {
        const outcomes: RecordOutcome[] = [];
        for (const draft of drafts) outcomes.push(...(await this.#recordGroup(scope, [draft])));
        return outcomes;
      }
      return drafts.map(() => ({ ok: false, error }));
    }
  }
}

/** The shipment a draft names, as far as can be told before reading the database (a tracking number may name several). */
function shipmentKey(draft: PointDraft): string {
  return draft.shipmentId ?? `number:${draft.trackingNumber ?? ''}`;
}
