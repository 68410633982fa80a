import type { Database, TenantScope } from '../platform/db/database.js';
import { toGrpcError } from '../platform/grpc/status.js';
import { recordPoints, type RecordDeps, type RecordOutcome } from './record-points.js';
import type { TrackingPartitions } from './tracking-partitions.js';
import type { PointDraft } from './tracking-update.js';

/** Most drafts stored in one transaction: big enough to amortise a commit, small enough to keep locks short. */
export const MAX_BATCH = 200;

/**
 * Stores the validated updates of a scanner stream in as few transactions as correctness
 * allows, in order. Consecutive plain updates share a transaction (one commit for many points:
 * that is where ingest throughput comes from); an update carrying a status gets a transaction
 * of its own, because its status change may fail (illegal transition, no stock at the origin)
 * and must then roll back alone.
 */
export class TrackingIngest {
  constructor(
    private readonly db: Database,
    private readonly partitions: TrackingPartitions,
    private readonly deps: RecordDeps,
  ) {}

  /** One outcome per draft, in order. Never throws: failures are outcomes. */
  async record(scope: TenantScope, drafts: PointDraft[]): Promise<RecordOutcome[]> {
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
      return await this.partitions.withPartition(() => this.db.inTenant(scope, (tx, afterCommit) => recordPoints(tx, afterCommit, scope, drafts, this.deps)));
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
