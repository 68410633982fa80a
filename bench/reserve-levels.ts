import pg from 'pg';
import { ReserveStockRequest } from '../gen/ts/imsop/inventory/v1/stock_service.js';
import { adminQuery } from './bench-tenant.js';
import { startImsop, type BenchDatabase, type ServedProcess } from './environment.js';
import type { WorkerJob } from './protocol.js';
import type { ScenarioContext } from './scenario.js';
import { measure, type Measurement } from './workers.js';

/** Stock each reserved level is kept at (at least), so no run runs out. */
const STOCK = 50_000_000;

/** A stock level (warehouse × product) of the bench tenant that the reserve scenarios reserve from. */
export interface Level {
  warehouseId: string;
  productId: string;
}

const arrays = (levels: Level[]) => [levels.map((l) => l.warehouseId), levels.map((l) => l.productId)];
const LEVELS = `(warehouse_id, product_id) IN (SELECT * FROM unnest($2::uuid[], $3::uuid[]))`;

/**
 * Tops up each level whose available stock fell below half of STOCK (only then, so the on-hand
 * integer does not grow run after run), received through the ledger so the books still balance.
 */
export async function stockUp(db: BenchDatabase, org: string, levels: Level[]): Promise<void> {
  await adminQuery(
    db.adminUrl,
    `WITH level AS (
       UPDATE inventory SET quantity_on_hand = quantity_on_hand + $4, version = version + 1
       WHERE organization_id = $1 AND ${LEVELS} AND quantity_on_hand - quantity_reserved < $4 / 2
       RETURNING organization_id, warehouse_id, product_id, quantity_on_hand, quantity_reserved)
     INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reference)
     SELECT organization_id, warehouse_id, warehouse_id, product_id, 'receive', $4, 0, quantity_on_hand, quantity_reserved, 'bench stock' FROM level`,
    [org, ...arrays(levels), STOCK],
  );
}

/**
 * Puts each level's reserved quantity back to what its ledger says: the raw UPDATE ceiling
 * reserves without ledger rows. Not "back to the value before": the servers' expiry sweeps may
 * release reservations meanwhile (level and ledger together), which a saved value would undo.
 * The rows are locked first so the ledger sums are read after any sweep holding them commits.
 */
export async function resetReservedToLedger(db: BenchDatabase, org: string, levels: Level[]): Promise<void> {
  const client = new pg.Client({ connectionString: db.adminUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `SELECT 1 FROM inventory WHERE organization_id = $1 AND ${LEVELS} ORDER BY warehouse_id, product_id FOR UPDATE`,
      [org, ...arrays(levels)],
    );
    await client.query(
      `UPDATE inventory i SET quantity_reserved = (
         SELECT coalesce(sum(reserved_delta), 0) FROM inventory_transactions t
         WHERE t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id)
       WHERE i.organization_id = $1 AND ${LEVELS.replace('(warehouse_id, product_id)', '(i.warehouse_id, i.product_id)')}`,
      [org, ...arrays(levels)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/** After a run: levels where more is reserved than on hand, and levels whose ledger sums differ from the level. */
export interface BooksCheck {
  levels: number;
  oversold: number;
  ledgerMismatches: number;
  onHand: number;
  reserved: number;
  /** No oversell and every level equal to its ledger. */
  consistent: boolean;
}

export async function checkBooks(db: BenchDatabase, org: string, levels: Level[]): Promise<BooksCheck> {
  const [row] = await adminQuery<{
    levels: number;
    oversold: number;
    mismatches: number;
    on_hand: string;
    reserved: string;
  }>(
    db.adminUrl,
    `SELECT count(*)::int AS levels,
            count(*) FILTER (WHERE i.quantity_reserved > i.quantity_on_hand OR i.quantity_reserved < 0)::int AS oversold,
            count(*) FILTER (WHERE l.on_hand IS DISTINCT FROM i.quantity_on_hand OR l.reserved IS DISTINCT FROM i.quantity_reserved)::int AS mismatches,
            sum(i.quantity_on_hand)::text AS on_hand, sum(i.quantity_reserved)::text AS reserved
     FROM inventory i
     LEFT JOIN LATERAL (
       SELECT coalesce(sum(on_hand_delta), 0) AS on_hand, coalesce(sum(reserved_delta), 0) AS reserved FROM inventory_transactions t
       WHERE t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id) l ON true
     WHERE i.organization_id = $1 AND ${LEVELS.replace('(warehouse_id, product_id)', '(i.warehouse_id, i.product_id)')}`,
    [org, ...arrays(levels)],
  );
  const check = {
    levels: row!.levels,
    oversold: row!.oversold,
    ledgerMismatches: row!.mismatches,
    onHand: Number(row!.on_hand),
    reserved: Number(row!.reserved),
  };
  return {
    ...check,
    consistent: check.levels === levels.length && check.oversold === 0 && check.ledgerMismatches === 0,
  };
}

export const describeBooks = (b: BooksCheck) =>
  `after the runs: ${b.levels} level(s), on hand ${b.onHand}, reserved ${b.reserved}; ${b.oversold} oversold, ${b.ledgerMismatches} differ from their ledger: ${b.consistent ? 'books balance' : 'MISMATCH'}`;

type SqlTarget = Extract<WorkerJob['target'], { kind: 'sql' }>;

/** The ceiling: the raw conditional UPDATE through pg (what "reserve 1 unit if available" costs at least). */
export function rawUpdate(db: BenchDatabase, org: string, levels: Level[]): SqlTarget {
  return {
    kind: 'sql',
    url: db.adminUrl,
    sql: `UPDATE inventory SET quantity_reserved = quantity_reserved + 1
          WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3 AND quantity_on_hand - quantity_reserved >= 1`,
    params: levels.map((l) => [org, l.warehouseId, l.productId]),
    connections: 20,
  };
}

/**
 * The service's work for one reservation, straight through pg: its transaction with the tenant
 * settings, and one statement changing the level, writing the ledger row and opening the
 * reservation (what StockLedger sends, one reservation at a time). The gap between this and the
 * raw UPDATE is the database's share of the cost; between this and the service, the service's.
 */
export function sameWork(db: BenchDatabase, org: string, levels: Level[]): SqlTarget {
  return {
    kind: 'sql',
    url: db.adminUrl,
    transaction: true,
    setup: [
      {
        sql: `SELECT set_config('role', 'imsop_app', true), set_config('app.org_id', $1, true), set_config('app.actor_kind', 'system', true)`,
        params: [org],
      },
    ],
    sql: `WITH level AS (
            UPDATE inventory SET quantity_reserved = quantity_reserved + 1, version = version + 1, updated_at = now()
            WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3 AND quantity_reserved + 1 <= quantity_on_hand
            RETURNING organization_id, warehouse_id, product_id, quantity_on_hand, quantity_reserved),
          ids AS (SELECT gen_random_uuid() AS id),
          entry AS (
            INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reference, reservation_id)
            SELECT organization_id, warehouse_id, warehouse_id, product_id, 'reserve', 0, 1, quantity_on_hand, quantity_reserved, 'bench', ids.id FROM level, ids RETURNING id)
          INSERT INTO reservations (organization_id, id, warehouse_id, product_id, quantity, reference)
          SELECT organization_id, ids.id, warehouse_id, product_id, 1, 'bench' FROM level, ids`,
    params: levels.map((l) => [org, l.warehouseId, l.productId]),
    connections: 20,
  };
}

/** ReserveStock of 1 unit of each level, cycled, through a server. */
export function reserveCalls(
  address: string,
  auth: Record<string, string>,
  levels: Level[],
): Extract<WorkerJob['target'], { kind: 'grpc' }> {
  return {
    kind: 'grpc',
    address,
    path: '/imsop.inventory.v1.StockService/ReserveStock',
    requestsBase64: levels.map((l) =>
      Buffer.from(
        ReserveStockRequest.encode({
          warehouseId: l.warehouseId,
          productId: l.productId,
          quantity: 1,
          reference: 'bench',
          requestId: '',
          expiration: undefined,
          locationId: '',
          lots: [],
          serialNumbers: [],
          allowExpired: false,
        }).finish(),
      ).toString('base64'),
    ),
    metadata: auth,
    channels: 4,
  };
}

/** One reserve comparison, all in the same run: the raw ceiling, the same work through pg, and the service with coalescing on and off. */
export interface ReserveRound {
  raw: Measurement;
  sameWork?: Measurement;
  on: Measurement;
  off: Measurement;
  books: BooksCheck;
}

/**
 * `concurrency` callers cycling over `levels`: the raw UPDATE (then the level is put back to its
 * ledger), optionally the same work through pg, then ReserveStock against the server with
 * coalescing on and the one with it off; then the books are checked, so every service run is
 * checked before the next raw ceiling touches the level.
 */
export async function reserveRound(
  ctx: ScenarioContext,
  servers: { on: ServedProcess; off: ServedProcess },
  auth: Record<string, string>,
  org: string,
  levels: Level[],
  concurrency: number,
  withSameWork: boolean,
): Promise<ReserveRound> {
  const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency } };
  const raw = await measure({ ...base, target: rawUpdate(ctx.db, org, levels) }, ctx.processes);
  await resetReservedToLedger(ctx.db, org, levels);
  const same = withSameWork
    ? await measure({ ...base, target: sameWork(ctx.db, org, levels) }, ctx.processes)
    : undefined;
  const on = await measure(
    { ...base, target: reserveCalls(servers.on.address, auth, levels) },
    ctx.processes,
    servers.on.pid,
  );
  const off = await measure(
    { ...base, target: reserveCalls(servers.off.address, auth, levels) },
    ctx.processes,
    servers.off.pid,
  );
  const books = await checkBooks(ctx.db, org, levels);
  return { raw, ...(same ? { sameWork: same } : {}), on, off, books };
}

/** The two servers the reserve scenarios compare: coalescing on (the default) and off. */
export async function startReserveServers(
  ctx: ScenarioContext,
): Promise<{ on: ServedProcess; off: ServedProcess; stop(): Promise<void> }> {
  // Started together (each takes seconds to compile and connect); whichever started is stopped on failure.
  const started = await Promise.allSettled([
    startImsop(ctx.db, { RESERVATION_COALESCING: 'on' }),
    startImsop(ctx.db, { RESERVATION_COALESCING: 'off' }),
  ]);
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => void (await Promise.all(up.map((s) => s.stop())));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { on: up[0]!, off: up[1]!, stop };
}

const pct = (a: number, b: number) => `${Math.round((100 * a) / Math.max(1, b))}%`;

/** The notes every reserve row carries. */
export function reserveNotes(round: ReserveRound): string[] {
  return [
    `coalescing off (second server, same run): ${round.off.throughput} ops/s, p99 ${round.off.p99Ms} ms, RSS ${round.off.maxRssMb ?? '-'} MB; ` +
      `coalescing on reaches ${pct(round.on.throughput, round.off.throughput)} of it (${pct(round.off.throughput, round.raw.throughput)} of the raw UPDATE without coalescing)`,
    ...(round.sameWork
      ? [
          `the same work through pg (transaction with tenant settings, one level+ledger+reservation statement): ${round.sameWork.throughput} ops/s; the service reaches ${pct(round.on.throughput, round.sameWork.throughput)} of it`,
        ]
      : []),
    describeBooks(round.books),
  ];
}
