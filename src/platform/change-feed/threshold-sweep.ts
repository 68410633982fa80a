import { sql, type SelectQueryBuilder } from 'kysely';
import type { AppContext } from '../app-context.js';
import { PeriodicTask, type BackgroundTask } from '../background-task.js';
import type { Database } from '../db/database.js';
import { organizationIds } from '../db/organization-ids.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { CHANGE_EVENT_TYPES, type ChangeEventType } from './change-event-types.js';
import { recordChanges } from './record-change.js';
import { resourcesWithEvent } from './recorded-events.js';
import { domainEvent, type ResourceJson } from './resource-change.js';

/** Resources claimed per batch. */
const BATCH = 100;

/**
 * A threshold that resources cross as time passes rather than by a write (an order gone late, a
 * shipment overdue), told by an event recorded once per resource, by the system. The domain that
 * owns the resources says which are past it and what the event carries; the sweep does the rest.
 */
export interface Threshold<Row extends { id: string }> {
  /** The event recorded, once per resource (its resource type is the catalogue's). */
  readonly eventType: ChangeEventType;
  /**
   * The organization's resources past the threshold, recently enough that the event telling of
   * it is still retained (threshold-lookback.ts). A query of the resources' table alone: the
   * sweep locks every row it reads.
   */
  candidates(work: UnitOfWork): SelectQueryBuilder<any, any, Row>;
  /** The candidates' id column, as the query names it (`po.id`). */
  readonly idColumn: string;
  /** What each event carries: the resource as it stands, for each of `rows`, in their order. */
  resources(work: UnitOfWork, rows: readonly Row[]): Promise<ResourceJson[]>;
}

/**
 * Records the threshold's event for the organization's candidates that do not have it yet, a
 * batch at a time in id order.
 *
 * Once: candidates are claimed with SKIP LOCKED and checked again once locked, so instances
 * sweeping at once never record one twice, and a write in flight on a resource (which holds its
 * row) is not waited for: the resource is looked at next sweep.
 *
 * @returns how many events were recorded.
 */
export async function recordThresholdEvents<Row extends { id: string }>(
  work: UnitOfWork,
  threshold: Threshold<Row>,
): Promise<number> {
  const { eventType } = threshold;
  const id = sql.ref(threshold.idColumn);
  let recorded = 0;
  let after: string | undefined;
  for (;;) {
    const rows: Row[] = await threshold
      .candidates(work)
      .$if(after !== undefined, (q) => q.where(id, '>', after!))
      .orderBy(id)
      .limit(BATCH)
      .forNoKeyUpdate()
      .skipLocked()
      .execute();
    // Asked once the rows are locked, so a sweep that recorded one of them and committed before
    // we got its lock is seen; while we hold the locks nobody else records these.
    const already = await resourcesWithEvent(
      work,
      CHANGE_EVENT_TYPES[eventType].resourceType,
      eventType,
      rows.map((r) => r.id),
    );
    const crossed = rows.filter((r) => !already.has(r.id));
    const resources = await threshold.resources(work, crossed);
    await recordChanges(
      work,
      resources.map((resource) => domainEvent(eventType, resource)),
    );
    recorded += crossed.length;
    if (rows.length < BATCH) return recorded;
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * One sweep over every organization, each in its own transaction (no user: the system records).
 * @returns how many events were recorded.
 */
export async function sweepThreshold<Row extends { id: string }>(
  db: Database,
  threshold: Threshold<Row>,
): Promise<number> {
  let recorded = 0;
  for await (const organizationId of organizationIds(db)) {
    recorded += await db.inTenant({ organizationId }, (work) => recordThresholdEvents(work, threshold));
  }
  return recorded;
}

/** The sweep as a background task named `name`, every `intervalMs` (0 turns it off) and at start. */
export function thresholdSweepTask<Row extends { id: string }>(
  app: AppContext,
  name: string,
  intervalMs: number,
  threshold: Threshold<Row>,
): BackgroundTask {
  return new PeriodicTask(
    name,
    intervalMs,
    async () => {
      const recorded = await sweepThreshold(app.db, threshold);
      if (recorded > 0) app.logger.info({ eventType: threshold.eventType, recorded }, 'threshold events recorded');
    },
    app.logger,
    { runAtStart: true },
  );
}
