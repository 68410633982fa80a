import { sql } from 'kysely';
import type { Bus } from '../platform/bus/bus.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { AppError, GrpcStatus } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { publishStoredPoints, toLivePoint, toLiveShipment, type ShipmentPoints } from './live-events.js';
import { shipmentColumns, type PointRow, type ShipmentRow } from './mappers.js';
import { shipmentNotFound } from './shipment-queries.js';
import { changeStatus } from './status-change.js';
import type { ShipmentStockPort } from './stock-port.js';
import { isNoPartitionError, MissingTrackingPartition } from './tracking-partitions.js';
import type { PointDraft } from './tracking-update.js';

/** What happened to one draft: stored (or found stored before), or refused with an error. */
export type RecordOutcome =
  { ok: true; point: PointRow; duplicate: boolean; shipment: ShipmentRow } | { ok: false; error: unknown };

export interface RecordDeps {
  bus: Bus;
  logger: Logger;
  stock: ShipmentStockPort;
}

interface Touched {
  row: ShipmentRow;
  /** created_at in PostgreSQL's text form: the partition key, with its microseconds. */
  partitionKey: string;
  now: Date;
  fresh: PointRow[];
  /** Who sent each fresh point. */
  recordedBy: Map<PointRow, string | null>;
}

/**
 * Stores tracking points in the caller's unit of work, in order, and publishes them once it
 * commits. One outcome per draft, in the same order. Per-draft problems (unknown shipment,
 * ambiguous tracking number, an update_id re-used for different content) are outcomes, not
 * throws, so one bad update never fails its neighbours.
 *
 * Sequences: the shipments touched are locked in id order (so concurrent batches cannot
 * deadlock), which makes this transaction the only writer of their histories until it ends;
 * under that lock a stored update_id is looked up (a re-send gets its first point back) and
 * new points get last_sequence + 1, + 2... The counter is advanced in the same transaction,
 * so a rollback gives the numbers back: histories never have holes.
 *
 * Re-sends: plain points (what scanners stream) are written as if none were a re-send, and the
 * update_id unique key checks that as the rows go in, at no extra cost; in the rare case one was
 * stored before, the insert fails and this throws ResentUpdate (the transaction is then
 * aborted: run it again with `lookUpResends`, see recordWithResends). With `lookUpResends`, or
 * when a draft carries a status (a status change must never run for a re-send), the stored
 * update_ids are looked up first and a re-send gets its first point back.
 *
 * A draft with a status different from the shipment's applies the status change (and its
 * stock effects) with its point.
 *
 * @throws ResentUpdate (see above); what a status change throws (e.g. ILLEGAL_STATUS_TRANSITION,
 *   INSUFFICIENT_STOCK) and database failures; the caller's transaction then rolls back. Callers
 *   therefore give a draft carrying a status a transaction of its own.
 */
export async function recordPoints(
  work: UnitOfWork,
  drafts: PointDraft[],
  deps: RecordDeps,
  lookUpResends = false,
): Promise<RecordOutcome[]> {
  const { organizationId } = work.tenant;
  const outcomes: (RecordOutcome | undefined)[] = new Array(drafts.length);
  const targets = await resolveTargets(work, drafts);
  targets.forEach((t, i) => {
    if (t instanceof AppError) outcomes[i] = { ok: false, error: t };
  });

  const ids = [...new Set(targets.filter((t): t is string => typeof t === 'string'))].sort();
  const touched = new Map<string, Touched>();
  if (ids.length > 0) {
    const locked = await work.tx
      .selectFrom('shipments')
      .select([...shipmentColumns, sql<string>`created_at::text`.as('partition_key'), sql<Date>`now()`.as('now')])
      .where('organization_id', '=', organizationId)
      .where('id', 'in', ids)
      .orderBy('id')
      .forNoKeyUpdate()
      .execute();
    for (const { now, partition_key, ...row } of locked) {
      touched.set(row.id, {
        row: { ...row, last_sequence: Number(row.last_sequence) },
        partitionKey: partition_key,
        now,
        fresh: [],
        recordedBy: new Map(),
      });
    }
  }

  // Each draft's outcome given the points stored before (only looked up when re-sends are
  // expected, see above); the fresh ones are numbered.
  const optimistic = !lookUpResends && drafts.every((d) => d.status === null);
  const stored = optimistic ? new Map<string, PointRow>() : await storedPoints(work, drafts, targets, touched);
  for (let i = 0; i < drafts.length; i++) {
    if (targets[i] instanceof AppError) continue;
    const draft = drafts[i]!;
    const shipmentId = targets[i] as string;
    const target = touched.get(shipmentId);
    if (!target) {
      outcomes[i] = { ok: false, error: shipmentNotFound() };
      continue;
    }
    const key = draft.updateId === null ? undefined : `${shipmentId}/${draft.updateId}`;
    const earlier = key === undefined ? undefined : stored.get(key);
    if (earlier) {
      outcomes[i] = sameContent(earlier, draft)
        ? { ok: true, point: earlier, duplicate: true, shipment: target.row }
        : { ok: false, error: updateIdReused(draft.path) };
      continue;
    }
    let status: string | null = null;
    if (draft.status !== null && draft.status !== target.row.status) {
      const changed = await changeStatus(work, target.row, draft.status, draft.note, deps.stock);
      target.row = { ...changed, last_sequence: target.row.last_sequence };
      status = draft.status;
    }
    const sequence = Number(target.row.last_sequence) + 1;
    target.row.last_sequence = sequence;
    const point: PointRow = {
      shipment_id: shipmentId,
      sequence,
      update_id: draft.updateId,
      location: draft.location,
      latitude: draft.latitude,
      longitude: draft.longitude,
      event_time: draft.eventTime,
      recorded_at: target.now,
      status,
      note: draft.note,
    };
    target.fresh.push(point);
    target.recordedBy.set(point, draft.recordedBy === undefined ? work.actor.id : draft.recordedBy);
    if (key !== undefined) stored.set(key, point);
    outcomes[i] = { ok: true, point, duplicate: false, shipment: target.row };
  }
  const written = [...touched.values()].filter((t) => t.fresh.length > 0);
  if (written.length > 0) {
    await writePoints(work, written);
    const batches: ShipmentPoints[] = written.map((t) => ({
      shipment: toLiveShipment(t.row),
      points: t.fresh.map(toLivePoint),
    }));
    work.afterCommit(() => publishStoredPoints(deps.bus, deps.logger, organizationId, batches));
  }
  return outcomes as RecordOutcome[];
}

/** Each draft's shipment id, or the error saying why it has none. One query for all tracking numbers. */
async function resolveTargets(work: UnitOfWork, drafts: PointDraft[]): Promise<(string | AppError)[]> {
  const { organizationId } = work.tenant;
  const numbers = [...new Set(drafts.flatMap((d) => (d.trackingNumber ? [d.trackingNumber] : [])))];
  const byNumber = new Map<string, { id: string; carrier_key: string }[]>();
  if (numbers.length > 0) {
    const rows = await work.tx
      .selectFrom('shipments')
      .select(['id', 'carrier_key', 'tracking_number'])
      .where('organization_id', '=', organizationId)
      .where('tracking_number', 'in', numbers)
      .execute();
    for (const r of rows) byNumber.set(r.tracking_number!, [...(byNumber.get(r.tracking_number!) ?? []), r]);
  }
  return drafts.map((d) => {
    if (d.shipmentId) return d.shipmentId;
    const carrier = d.carrier && caseInsensitiveKey(d.carrier);
    const candidates = (byNumber.get(d.trackingNumber!) ?? []).filter((c) => !carrier || c.carrier_key === carrier);
    if (candidates.length === 1) return candidates[0]!.id;
    if (candidates.length === 0) return shipmentNotFound();
    return new AppError(
      GrpcStatus.INVALID_ARGUMENT,
      'AMBIGUOUS_TRACKING_NUMBER',
      'Several carriers use this tracking number; name the carrier.',
      {
        fieldViolations: [
          { field: `${d.path}.carrier`, description: 'is required: several carriers use this tracking number' },
        ],
      },
    );
  });
}

/**
 * Stores the planned points and advances the counters in one statement. Columns travel as
 * arrays (unnest): a fixed statement with a dozen parameters, whatever the batch size.
 *
 * @throws ResentUpdate when a point's update_id is stored already (its unique key refuses it).
 */
async function writePoints(work: UnitOfWork, written: Touched[]): Promise<void> {
  const { organizationId } = work.tenant;
  const points = written.flatMap((t) =>
    t.fresh.map((p) => ({ p, partitionKey: t.partitionKey, recordedBy: t.recordedBy.get(p) ?? null })),
  );
  const column = <T>(pick: (p: PointRow) => T) => points.map(({ p }) => pick(p));
  await sql`
    WITH stored AS (
      INSERT INTO shipment_tracking (organization_id, shipment_id, shipment_created_at, sequence, update_id, location, latitude, longitude, event_time, status, note, recorded_by)
      SELECT ${organizationId}, p.shipment_id, p.shipment_created_at, p.sequence, p.update_id, p.location, p.latitude, p.longitude, p.event_time, p.status, p.note, p.recorded_by
      FROM unnest(
        ${column((p) => p.shipment_id)}::uuid[], ${points.map((x) => x.partitionKey)}::timestamptz[], ${column((p) => p.sequence)}::bigint[],
        ${column((p) => p.update_id)}::text[], ${column((p) => p.location)}::text[], ${column((p) => p.latitude)}::float8[],
        ${column((p) => p.longitude)}::float8[], ${column((p) => p.event_time)}::timestamptz[], ${column((p) => p.status)}::text[],
        ${column((p) => p.note)}::text[], ${points.map((x) => x.recordedBy)}::uuid[]
      ) AS p (shipment_id, shipment_created_at, sequence, update_id, location, latitude, longitude, event_time, status, note, recorded_by)
    )
    UPDATE shipments AS s SET last_sequence = v.last_sequence
    FROM unnest(${written.map((t) => t.row.id)}::uuid[], ${written.map((t) => t.row.last_sequence)}::bigint[]) AS v (id, last_sequence)
    WHERE s.organization_id = ${organizationId} AND s.id = v.id`
    .execute(work.tx)
    .catch((error: unknown) => {
      if (isNoPartitionError(error)) throw new MissingTrackingPartition(written.map((t) => t.partitionKey));
      if (isResendConflict(error)) throw new ResentUpdate();
      throw error;
    });
}

/**
 * A transaction's optimistic write met an update_id stored before (recordPoints). The
 * transaction is aborted: nothing of it is kept, and it can run again looking re-sends up.
 */
export class ResentUpdate extends Error {
  constructor() {
    super('A tracking update was stored before under the same update_id.');
    this.name = 'ResentUpdate';
  }
}

/**
 * Runs `transaction` (a whole one, calling recordPoints) as if no update were a re-send; should
 * one be (ResentUpdate), runs it again with `lookUpResends`, which answers re-sends with their
 * first points. Re-sends come after a scanner reconnects: rare, so the common case pays no lookup.
 */
export async function recordWithResends<T>(transaction: (lookUpResends: boolean) => Promise<T>): Promise<T> {
  try {
    return await transaction(false);
  } catch (error) {
    if (!(error instanceof ResentUpdate)) throw error;
    return transaction(true);
  }
}

/**
 * The update_id unique key of shipment_tracking refused a row: on a partition, the key's index
 * is the partition's own (`shipment_tracking_2026_12_..._key`); the only other unique index is
 * the primary key, which sequences assigned under the shipment's lock never collide on.
 */
function isResendConflict(error: unknown): boolean {
  const e = error as { code?: unknown; table?: unknown; constraint?: unknown };
  return (
    e?.code === '23505' &&
    typeof e.table === 'string' &&
    e.table.startsWith('shipment_tracking') &&
    typeof e.constraint === 'string' &&
    !e.constraint.endsWith('_pkey')
  );
}

/**
 * The points stored under these (shipment, update_id) pairs: one unique-index probe per pair,
 * whatever the length of the shipments' histories: LATERAL ... LIMIT 1 keeps the planner from
 * reading every point of the shipments (docs/decisions/0003-tracking-point-lookup.md).
 */
function earlierPoints(organizationId: string, keys: { shipmentId: string; updateId: string; partitionKey: string }[]) {
  return sql<PointRow>`
    SELECT p.shipment_id, p.sequence, p.update_id, p.location, p.latitude, p.longitude, p.event_time, p.recorded_at, p.status, p.note
    FROM unnest(${keys.map((k) => k.shipmentId)}::uuid[], ${keys.map((k) => k.updateId)}::text[], ${keys.map((k) => k.partitionKey)}::timestamptz[])
      AS k (shipment_id, update_id, shipment_created_at)
    CROSS JOIN LATERAL (
      SELECT t.shipment_id, t.sequence, t.update_id, t.location, t.latitude, t.longitude, t.event_time, t.recorded_at, t.status, t.note
      FROM shipment_tracking t
      WHERE t.organization_id = ${organizationId} AND t.shipment_id = k.shipment_id AND t.update_id = k.update_id
        AND t.shipment_created_at = k.shipment_created_at
      LIMIT 1
    ) AS p`;
}

/**
 * Points stored earlier under the drafts' update ids, keyed `shipment_id/update_id`. Looked up
 * under the shipments' locks, so nobody can store one of them between this read and our insert.
 */
async function storedPoints(
  work: UnitOfWork,
  drafts: PointDraft[],
  targets: (string | AppError)[],
  touched: Map<string, Touched>,
): Promise<Map<string, PointRow>> {
  const { organizationId } = work.tenant;
  const keys = new Map<string, { shipmentId: string; updateId: string; partitionKey: string }>();
  drafts.forEach((d, i) => {
    const target = targets[i];
    const shipment = typeof target === 'string' ? touched.get(target) : undefined;
    if (shipment && d.updateId !== null)
      keys.set(`${target}/${d.updateId}`, {
        shipmentId: target as string,
        updateId: d.updateId,
        partitionKey: shipment.partitionKey,
      });
  });
  const found = new Map<string, PointRow>();
  if (keys.size === 0) return found;
  const { rows } = await earlierPoints(organizationId, [...keys.values()]).execute(work.tx);
  for (const row of rows) found.set(`${row.shipment_id}/${row.update_id}`, { ...row, sequence: Number(row.sequence) });
  return found;
}

/** A re-send carries what the first send carried (status aside: it only applies when it changes something). */
function sameContent(point: PointRow, draft: PointDraft): boolean {
  return (
    point.location === draft.location &&
    point.latitude === draft.latitude &&
    point.longitude === draft.longitude &&
    point.event_time.getTime() === draft.eventTime.getTime() &&
    point.note === draft.note
  );
}

function updateIdReused(path: string): AppError {
  return new AppError(
    GrpcStatus.INVALID_ARGUMENT,
    'UPDATE_ID_REUSED',
    'update_id was already used for a different update of this shipment.',
    {
      fieldViolations: [
        {
          field: `${path}.update_id`,
          description: 'was already used for a different update of this shipment; use a new id per update',
        },
      ],
    },
  );
}
