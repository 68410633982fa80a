import type { Database, TenantScope } from '../platform/db/database.js';
import { toGrpcError } from '../platform/grpc/status.js';
import { recordPoints, type RecordDeps, type RecordOutcome } from './record-points.js';
import type { TrackingPartitions } from './tracking-partitions.js';
import type { PointDraft } from './tracking-update.js';

/** Most drafts stored in one transaction: big enough to amortise a commit, small enough to keep locks short. */
export const MAX_BATCH = 500;
/** Transactions one organization's plain updates may have running at once (the rest queue up and batch). */
const WORKERS_PER_ORGANIZATION = 4;

interface Job {
  scope: TenantScope;
  drafts: PointDraft[];
  resolve(outcomes: RecordOutcome[]): void;
}

/**
 * Stores the validated updates of scanner streams in as few transactions as correctness
 * allows; one commit for many points is where ingest throughput comes from.
 *
 * Plain updates (no status) of all the streams of an organization share transactions: a
 * stream's round joins a per-organization queue, and a few workers each take whatever has
 * queued up (up to MAX_BATCH) into one transaction. Fifty scanners sending one update at a
 * time therefore cost a few large transactions, not fifty small ones. Each stream still sees
 * its own updates stored in order (it waits for its round before sending the next). Plain
 * points change no audited column, so the transaction's actor does not matter; each point
 * records its own sender (recorded_by).
 *
 * A round carrying a status is stored on its own, in order, and each update with a status
 * gets a transaction of its own: its status change may fail (illegal transition, no stock at
 * the origin) and must then roll back alone.
 */
export class TrackingIngest {
  readonly #queues = new Map<string, { jobs: Job[]; workers: number }>();

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
        queue = { jobs: [], workers: 0 };
        this.#queues.set(scope.organizationId, queue);
      }
      queue.jobs.push({ scope, drafts: own, resolve });
      this.#staff(scope.organizationId, queue);
    });
  }

  /** Starts workers for a queue, up to the limit. */
  #staff(organizationId: string, queue: { jobs: Job[]; workers: number }): void {
    while (queue.workers < WORKERS_PER_ORGANIZATION && queue.jobs.length > queue.workers) {
      queue.workers++;
      void this.#work(queue).finally(() => {
        queue.workers--;
        if (queue.jobs.length > 0) this.#staff(organizationId, queue);
        else if (queue.workers === 0 && this.#queues.get(organizationId) === queue) this.#queues.delete(organizationId);
      });
    }
  }

  /** Takes whatever has queued up (whole rounds, up to MAX_BATCH drafts) into one transaction, until the queue is empty. */
  async #work(queue: { jobs: Job[] }): Promise<void> {
    while (queue.jobs.length > 0) {
      const batch: Job[] = [];
      let size = 0;
      while (queue.jobs.length > 0 && (size === 0 || size + queue.jobs[0]!.drafts.length <= MAX_BATCH)) {
        const job = queue.jobs.shift()!;
        batch.push(job);
        size += job.drafts.length;
      }
      const outcomes: RecordOutcome[] = [];
      const drafts = batch.flatMap((j) => j.drafts);
      try {
        for (let i = 0; i < drafts.length; i += MAX_BATCH) outcomes.push(...(await this.#recordGroup(batch[0]!.scope, drafts.slice(i, i + MAX_BATCH))));
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
      return await this.partitions.withPartition(() => this.db.inTenant(scope, (work) => recordPoints(work, drafts, this.deps)));
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
