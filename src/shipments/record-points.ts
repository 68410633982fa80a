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
 * A draft with a status different from the shipment's applies the status change (and its
 * stock effects) with its point.
 *
 * @throws what a status change throws (e.g. ILLEGAL_STATUS_TRANSITION, INSUFFICIENT_STOCK) and
 *   database failures; the caller's transaction then rolls back. Callers therefore give a draft
 *   carrying a status a transaction of its own.
 */
export async function recordPoints(work: UnitOfWork, drafts: PointDraft[], deps: RecordDeps): Promise<RecordOutcome[]> {
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

  const initial = new Map([...touched].map(([id, t]) => [id, t.row]));
  /** Decides each draft's outcome given the points stored before; numbers the fresh ones. */
  const plan = async (stored: Map<string, PointRow>): Promise<Touched[]> => {
    for (const [id, t] of touched) Object.assign(t, { row: { ...initial.get(id)! }, fresh: [], recordedBy: new Map() });
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
    return [...touched.values()].filter((t) => t.fresh.length > 0);
  };

  // Plain points (what scanners stream) are planned as if none were a re-send, and the write
  // statement itself checks that under the locks and writes nothing if one was: one round trip
  // fewer per batch in the common case. Then, knowing the re-sends, plan and write again. A
  // status change must never run for a re-send, so a batch carrying one looks them up first.
  const optimistic = drafts.every((d) => d.status === null);
  let written = await plan(optimistic ? new Map() : await storedPoints(work, drafts, targets, touched));
  if (written.length > 0) {
    const resent = await writePoints(work, written, optimistic);
    if (resent.length > 0) {
      written = await plan(
        new Map(resent.map((p) => [`${p.shipment_id}/${p.update_id}`, { ...p, sequence: Number(p.sequence) }])),
      );
      if (written.length > 0) await writePoints(work, written, false);
    }
  }
  if (written.length > 0) {
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
 * With `unlessStored`, the same statement first looks the points' update ids up and, when any
 * was stored before, writes nothing and returns those earlier points (the caller plans again).
 * Its snapshot is taken after the shipments' locks were granted, so nobody can store one of
 * them between this check and the insert.
 */
async function writePoints(work: UnitOfWork, written: Touched[], unlessStored: boolean): Promise<PointRow[]> {
  const { organizationId } = work.tenant;
  const points = written.flatMap((t) =>
    t.fresh.map((p) => ({ p, partitionKey: t.partitionKey, recordedBy: t.recordedBy.get(p) ?? null })),
  );
  const column = <T>(pick: (p: PointRow) => T) => points.map(({ p }) => pick(p));
  const keyed = points.filter(({ p }) => p.update_id !== null);
  const guard = unlessStored ? sql`WHERE NOT EXISTS (SELECT 1 FROM earlier)` : sql``;
  const { rows } = await sql<PointRow>`
    WITH earlier AS (${
      unlessStored
        ? earlierPoints(
            organizationId,
            keyed.map(({ p, partitionKey }) => ({ shipmentId: p.shipment_id, updateId: p.update_id!, partitionKey })),
          )
        : sql`SELECT NULL::uuid AS shipment_id, NULL::bigint AS sequence, NULL::text AS update_id, NULL::text AS location, NULL::float8 AS latitude,
                     NULL::float8 AS longitude, NULL::timestamptz AS event_time, NULL::timestamptz AS recorded_at, NULL::text AS status, NULL::text AS note
              WHERE false`
    }),
    stored AS (
      INSERT INTO shipment_tracking (organization_id, shipment_id, shipment_created_at, sequence, update_id, location, latitude, longitude, event_time, status, note, recorded_by)
      SELECT ${organizationId}, p.shipment_id, p.shipment_created_at, p.sequence, p.update_id, p.location, p.latitude, p.longitude, p.event_time, p.status, p.note, p.recorded_by
      FROM unnest(
        ${column((p) => p.shipment_id)}::uuid[], ${points.map((x) => x.partitionKey)}::timestamptz[], ${column((p) => p.sequence)}::bigint[],
        ${column((p) => p.update_id)}::text[], ${column((p) => p.location)}::text[], ${column((p) => p.latitude)}::float8[],
        ${column((p) => p.longitude)}::float8[], ${column((p) => p.event_time)}::timestamptz[], ${column((p) => p.status)}::text[],
        ${column((p) => p.note)}::text[], ${points.map((x) => x.recordedBy)}::uuid[]
      ) AS p (shipment_id, shipment_created_at, sequence, update_id, location, latitude, longitude, event_time, status, note, recorded_by)
      ${guard}
    ),
    counters AS (
      UPDATE shipments AS s SET last_sequence = v.last_sequence
      FROM unnest(${written.map((t) => t.row.id)}::uuid[], ${written.map((t) => t.row.last_sequence)}::bigint[]) AS v (id, last_sequence)
      WHERE s.organization_id = ${organizationId} AND s.id = v.id ${unlessStored ? sql`AND NOT EXISTS (SELECT 1 FROM earlier)` : sql``}
    )
    SELECT shipment_id, sequence, update_id, location, latitude, longitude, event_time, recorded_at, status, note FROM earlier`
    .execute(work.tx)
    .catch((error: unknown) => {
      throw isNoPartitionError(error) ? new MissingTrackingPartition(written.map((t) => t.partitionKey)) : error;
    });
  return rows;
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
