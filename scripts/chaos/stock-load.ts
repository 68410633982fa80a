/**
 * Steady write and read load through the SDK, shared by the scenarios, and the database checks
 * that follow it. Writes (receive stock, reserve stock, create product) each carry a unique
 * reference and a request_id, and are retried with the same request_id until acknowledged, as a
 * careful caller would; so each acknowledged write must be in the database exactly once. Reads
 * check what they get against what was acknowledged before they started: an acknowledged product
 * always found, and a level's on-hand never below an acknowledged receive's once the design's
 * cache bound has passed (within it, a stale read is the documented cache-aside race: counted
 * and reported).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { STOCK_TTL_SECONDS } from '../../src/inventory/cache-keys.js';
import { ImsopError, type ImsopClient } from '@imsop/sdk';
import { codeOf, sleep, type Report } from './support.js';

/** How long writes in progress keep being retried once the load stops. */
const GIVE_UP_AFTER_STOP_MS = 30_000;

export interface SeenError {
  at: number;
  op: string;
  code: string;
  reason?: string;
}

interface Level {
  warehouseId: string;
  productId: string;
  /** Highest on-hand an acknowledged receive reported, and when that ack arrived. */
  acked: { onHand: number; at: number }[];
}

interface AckedWrite {
  kind: 'receive' | 'reserve' | 'create_product';
  key: string;
  quantity: number;
  level?: Level;
  at: number;
}

export class StockWorkload {
  readonly errors: SeenError[] = [];
  readonly acked: AckedWrite[] = [];
  readonly wrongAnswers: string[] = [];
  /**
   * Level reads older than an acknowledged change, but younger than STOCK_TTL_SECONDS: the race
   * cache-aside has (a read that loaded the old row stores it after the change's invalidation),
   * which the design bounds by the TTL (src/inventory/cache-keys.ts). Reported, not failed.
   */
  staleWithinBound = 0;
  /** Successful calls, with when they finished. */
  readonly successes: number[] = [];
  /** Successful writes and level reads: when each finished and how long it took. */
  readonly durations: { end: number; ms: number }[] = [];
  readonly #levels: Level[] = [];
  readonly #products: { id: string; sku: string; at: number }[] = [];
  #stopping = false;
  /** The warehouse of the levels (after setUp). */
  warehouseId = '';
  #stoppedAt = 0;
  /** Writes still not acknowledged a while after the load stopped (the service did not recover). */
  readonly abandoned: string[] = [];
  #n = 0;

  constructor(
    private readonly clients: ImsopClient[],
    private readonly report: Report,
    private readonly tag: string,
  ) {}

  /** A warehouse and `levels` products with stock, created through the API. */
  async setUp(levels: number, initial: number): Promise<void> {
    const imsop = this.clients[0]!;
    const warehouse = (
      await imsop.warehouses.createWarehouse({ warehouse: { code: `CHAOS-${this.tag}`, name: 'Chaos' } })
    ).warehouse!;
    this.warehouseId = warehouse.id;
    for (let i = 0; i < levels; i++) {
      const product = (
        await imsop.products.createProduct({ product: { sku: `${this.tag}-L${i}`, name: `Chaos level ${i}` } })
      ).product!;
      const level: Level = { warehouseId: warehouse.id, productId: product.id, acked: [] };
      const reference = `${this.tag}-initial-${i}`;
      const res = await imsop.stock.receiveStock({
        warehouseId: warehouse.id,
        productId: product.id,
        quantity: initial,
        reference,
        requestId: randomUUID(),
      });
      level.acked.push({ onHand: res.stockLevel!.quantityOnHand, at: Date.now() });
      this.acked.push({ kind: 'receive', key: reference, quantity: initial, level, at: Date.now() });
      this.#levels.push(level);
    }
  }

  /** Runs `writers` write loops and `readers` read loops until stop() (then finishes the writes in progress). */
  async run(writers: number, readers: number): Promise<void> {
    await Promise.all([
      ...Array.from({ length: writers }, (_, w) => this.#writeLoop(w)),
      ...Array.from({ length: readers }, (_, r) => this.#readLoop(r)),
    ]);
  }

  stop(): void {
    this.#stopping = true;
    this.#stoppedAt = Date.now();
  }

  #client(i: number): ImsopClient {
    return this.clients[i % this.clients.length]!;
  }

  async #attempt<T>(op: string, call: () => Promise<T>): Promise<T | undefined> {
    this.report.calls++;
    const start = Date.now();
    try {
      const result = await call();
      this.successes.push(Date.now());
      this.durations.push({ end: Date.now(), ms: Date.now() - start });
      return result;
    } catch (error) {
      const code = codeOf(error);
      const reason = error instanceof ImsopError ? error.reason : undefined;
      this.errors.push({ at: Date.now(), op, code, reason });
      this.report.error(code, reason);
      return undefined;
    }
  }

  /** One write, retried with its request_id until acknowledged (never abandoned: then it would be unknown whether it applied). */
  async #untilAcked<T>(
    op: string,
    key: string,
    client: number,
    call: (imsop: ImsopClient) => Promise<T>,
  ): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.#attempt(op, () => call(this.#client(client + attempt)));
      if (result !== undefined) return result;
      if (this.#stopping && Date.now() > this.#stoppedAt + GIVE_UP_AFTER_STOP_MS) {
        this.abandoned.push(`${op} ${key}`);
        return undefined;
      }
      await sleep(Math.min(500, 50 * (attempt + 1)));
    }
  }

  async #writeLoop(worker: number): Promise<void> {
    while (!this.#stopping) {
      const n = this.#n++;
      const requestId = randomUUID();
      const level = this.#levels[n % this.#levels.length]!;
      const key = `${this.tag}-W${worker}-${n}`; // upper case: SKUs are stored upper-cased
      switch (n % 3) {
        case 0: {
          const quantity = 1 + (n % 5);
          const res = await this.#untilAcked('ReceiveStock', key, worker, (imsop) =>
            imsop.stock.receiveStock({
              warehouseId: level.warehouseId,
              productId: level.productId,
              quantity,
              reference: key,
              requestId,
            }),
          );
          if (!res) return;
          level.acked.push({ onHand: res.stockLevel!.quantityOnHand, at: Date.now() });
          this.acked.push({ kind: 'receive', key, quantity, level, at: Date.now() });
          break;
        }
        case 1: {
          const res = await this.#untilAcked('ReserveStock', key, worker, (imsop) =>
            imsop.stock.reserveStock({
              warehouseId: level.warehouseId,
              productId: level.productId,
              quantity: 1,
              reference: key,
              requestId,
            }),
          );
          if (!res) return;
          this.acked.push({ kind: 'reserve', key, quantity: 1, level, at: Date.now() });
          break;
        }
        default: {
          const res = await this.#untilAcked('CreateProduct', key, worker, (imsop) =>
            imsop.products.createProduct({ product: { sku: key, name: `Chaos ${key}` }, requestId }),
          );
          if (!res) return;
          if (res.product?.sku !== key) this.wrongAnswers.push(`CreateProduct ${key} answered sku ${res.product?.sku}`);
          this.#products.push({ id: res.product!.id, sku: key, at: Date.now() });
          this.acked.push({ kind: 'create_product', key, quantity: 0, at: Date.now() });
        }
      }
    }
  }

  async #readLoop(reader: number): Promise<void> {
    for (let n = reader; !this.#stopping; n++) {
      const startedAt = Date.now();
      if (n % 2 === 0) {
        const level = this.#levels[n % this.#levels.length]!;
        const floor = Math.max(0, ...level.acked.filter((a) => a.at < startedAt).map((a) => a.onHand));
        const settled = Math.max(
          0,
          ...level.acked.filter((a) => a.at < startedAt - STOCK_TTL_SECONDS * 1000).map((a) => a.onHand),
        );
        const res = await this.#attempt('GetStockLevel', () =>
          this.#client(n).stock.getStockLevel({ warehouseId: level.warehouseId, productId: level.productId }),
        );
        const onHand = res?.stockLevel!.quantityOnHand;
        if (onHand !== undefined && onHand < settled)
          this.wrongAnswers.push(
            `GetStockLevel on-hand ${onHand} below ${settled}, acknowledged more than ${STOCK_TTL_SECONDS} s before`,
          );
        else if (onHand !== undefined && onHand < floor) this.staleWithinBound++;
      } else {
        const known = this.#products.filter((p) => p.at < startedAt);
        const product = known[n % Math.max(1, known.length)];
        if (!product) {
          await sleep(20);
          continue;
        }
        try {
          this.report.calls++;
          const res = await this.#client(n).products.getProduct({ productId: product.id });
          this.successes.push(Date.now());
          if (res.product?.sku !== product.sku)
            this.wrongAnswers.push(`GetProduct ${product.id} answered sku ${res.product?.sku}`);
        } catch (error) {
          const code = codeOf(error);
          // An acknowledged product that reads as missing is a wrong answer, not an outage.
          if (code === 'NOT_FOUND')
            this.wrongAnswers.push(`GetProduct ${product.sku} (acknowledged) answered NOT_FOUND`);
          this.errors.push({
            at: Date.now(),
            op: 'GetProduct',
            code,
            reason: error instanceof ImsopError ? error.reason : undefined,
          });
          this.report.error(code, error instanceof ImsopError ? error.reason : undefined);
        }
      }
      await sleep(5);
    }
  }

  /**
   * Against the database, as its superuser: every acknowledged write exactly once (by its
   * reference or SKU), each level equal to its ledger sums, and each level's on-hand and
   * reserved equal to what the acknowledged writes add up to.
   */
  async verify(admin: pg.Client, organizationId: string): Promise<void> {
    const r = this.report;
    r.check(
      'every write was eventually acknowledged',
      this.abandoned.length === 0,
      this.abandoned.length
        ? `still failing ${GIVE_UP_AFTER_STOP_MS / 1000} s after the load stopped: ${this.abandoned.slice(0, 3).join(', ')}`
        : '',
    );
    const count = async (sql: string, keys: string[]) => {
      const { rows } = await admin.query<{ key: string; n: number }>(sql, [organizationId, keys]);
      return new Map(rows.map((row) => [row.key, row.n]));
    };
    const byKind = (kind: AckedWrite['kind']) => this.acked.filter((a) => a.kind === kind).map((a) => a.key);
    const receives = await count(
      `SELECT reference AS key, count(*)::int AS n FROM inventory_transactions WHERE organization_id = $1 AND type = 'receive' AND reference = ANY($2) GROUP BY reference`,
      byKind('receive'),
    );
    const reserves = await count(
      `SELECT r.reference AS key, count(DISTINCT r.id)::int * 1000 + count(t.id)::int AS n FROM reservations r LEFT JOIN inventory_transactions t ON t.organization_id = r.organization_id AND t.reservation_id = r.id AND t.type = 'reserve' WHERE r.organization_id = $1 AND r.reference = ANY($2) GROUP BY r.reference`,
      byKind('reserve'),
    );
    const products = await count(
      `SELECT sku AS key, count(*)::int AS n FROM products WHERE organization_id = $1 AND sku = ANY($2) GROUP BY sku`,
      byKind('create_product'),
    );
    const notOnce: string[] = [];
    for (const a of this.acked) {
      const n = (a.kind === 'receive' ? receives : a.kind === 'reserve' ? reserves : products).get(a.key) ?? 0;
      const expected = a.kind === 'reserve' ? 1001 : 1; // one reservation with one ledger row
      if (n !== expected) notOnce.push(`${a.kind} ${a.key}: ${n}`);
    }
    r.ackedWritesChecked += this.acked.length;
    r.check(
      'every acknowledged write is in the database exactly once',
      notOnce.length === 0 && this.acked.length > 0,
      `${this.acked.length} acknowledged writes${notOnce.length ? `; wrong: ${notOnce.slice(0, 5).join(', ')}` : ''}`,
    );

    const { rows: ledger } = await admin.query<{
      warehouse_id: string;
      product_id: string;
      on_hand: number;
      reserved: number;
      ledger_on_hand: number;
      ledger_reserved: number;
    }>(
      `SELECT i.warehouse_id, i.product_id, i.quantity_on_hand AS on_hand, i.quantity_reserved AS reserved,
              coalesce(sum(t.on_hand_delta), 0)::int AS ledger_on_hand, coalesce(sum(t.reserved_delta), 0)::int AS ledger_reserved
         FROM inventory i LEFT JOIN inventory_transactions t
           ON t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id
        WHERE i.organization_id = $1 GROUP BY i.warehouse_id, i.product_id, i.quantity_on_hand, i.quantity_reserved`,
      [organizationId],
    );
    const drift = ledger.filter((l) => l.on_hand !== l.ledger_on_hand || l.reserved !== l.ledger_reserved);
    r.check(
      'stock ledger sums equal every level',
      drift.length === 0 && ledger.length >= this.#levels.length,
      `${ledger.length} levels${drift.length ? `; drifted: ${JSON.stringify(drift.slice(0, 3))}` : ''}`,
    );

    const wrongTotals: string[] = [];
    for (const level of this.#levels) {
      const mine = this.acked.filter((a) => a.level === level);
      const onHand = mine.filter((a) => a.kind === 'receive').reduce((s, a) => s + a.quantity, 0);
      const reserved = mine.filter((a) => a.kind === 'reserve').reduce((s, a) => s + a.quantity, 0);
      const row = ledger.find((l) => l.warehouse_id === level.warehouseId && l.product_id === level.productId);
      if (!row || row.on_hand !== onHand || row.reserved !== reserved)
        wrongTotals.push(`level has ${row?.on_hand}/${row?.reserved}, acknowledged ${onHand}/${reserved}`);
    }
    r.check(
      'each level holds exactly what the acknowledged writes add up to',
      wrongTotals.length === 0,
      wrongTotals.slice(0, 3).join('; '),
    );
    r.numbers['stale level reads'] =
      `${this.staleWithinBound} (older than an acknowledged change by less than the ${STOCK_TTL_SECONDS} s cache bound)`;
    r.check(
      'no wrong answer to any read or write',
      this.wrongAnswers.length === 0,
      this.wrongAnswers.slice(0, 5).join('; '),
    );
  }
}
