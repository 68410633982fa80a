import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as M from '../gen/ts/imsop/analytics/v1/metric_service.js';
import { DimensionKind, Metric, MetricUnit } from '../gen/ts/imsop/analytics/v1/resources.js';
import { analyticsFacts } from '../src/adapters/analytics-facts.js';
import { aggregate } from '../src/analytics/aggregation.js';
import { addDays, dayOf, daysBetween } from '../src/analytics/utc-day.js';
import { caseInsensitiveKey } from '../src/platform/case-insensitive-key.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { expectError } from './support/expect-error.js';
import { adminQuery } from './support/inventory.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, userWithRoles, type Tenant } from './support/tenant.js';

// Metrics of a known scenario against values computed by hand, stable when aggregation runs
// again, served through QueryMetric and GetKpiSummary; and aggregation by two instances at once
// done by one of them.

const QUIET = { ANALYTICS_AGGREGATION_INTERVAL_MS: '0', RETENTION_INTERVAL_MS: '0' };
const today = dayOf(new Date());
/** The day the procurement and shipment scenario happened (and one stock receipt). */
const D = addDays(today, -2);
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00Z`;

let ts: TestServer;
let org: Tenant;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ts = await startTestServer({ env: QUIET });
  org = await signedInTenant(ts);
  await seedScenario();
}, 120_000);
afterAll(() => ts?.stop());

const sql = <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  adminQuery<R>(ts, text, values);

/**
 * Today, through the API: warehouses W1, W2; P1 (cost 10.50 EUR, reorder point 20), P2 (2.25 EUR,
 * reorder point 10), P3 (no cost). Receive P1 20 @W1 (moved back to day D below), P2 8 @W1,
 * P3 4 @W2; issue P1 5 @W1; transfer P3 4 W2 -> W1; reserve P2 8 @W1.
 *
 * Day D, in SQL: suppliers S1, S2; purchase orders PO1..PO5; shipments SH1..SH4 with tracking
 * points (see the expected values for what each contributes).
 */
async function seedScenario() {
  const product = async (sku: string, cost: string | undefined, reorderPoint: number) => {
    const unitCost = cost
      ? { currencyCode: 'EUR', units: Math.trunc(Number(cost)), nanos: Math.round((Number(cost) % 1) * 1e9) }
      : undefined;
    return (
      await org.imsop.products.createProduct({
        product: { sku: `${sku}-${process.pid}`, name: sku, unitCost, reorderPoint },
      })
    ).product!.id;
  };
  ids.P1 = await product('P1', '10.50', 20);
  ids.P2 = await product('P2', '2.25', 10);
  ids.P3 = await product('P3', undefined, 0);
  ids.W1 = (await org.imsop.warehouses.createWarehouse({ warehouse: { code: 'W1', name: 'One' } })).warehouse!.id;
  ids.W2 = (await org.imsop.warehouses.createWarehouse({ warehouse: { code: 'W2', name: 'Two' } })).warehouse!.id;
  ids.rcvP1 = (
    await org.imsop.stock.receiveStock({ warehouseId: ids.W1, productId: ids.P1, quantity: 20 })
  ).transaction!.id;
  ids.rcvP2 = (
    await org.imsop.stock.receiveStock({ warehouseId: ids.W1, productId: ids.P2, quantity: 8 })
  ).transaction!.id;
  ids.rcvP3 = (
    await org.imsop.stock.receiveStock({ warehouseId: ids.W2, productId: ids.P3, quantity: 4 })
  ).transaction!.id;
  await org.imsop.stock.issueStock({ warehouseId: ids.W1, productId: ids.P1, quantity: 5 });
  await org.imsop.stock.transferStock({
    productId: ids.P3,
    sourceWarehouseId: ids.W2,
    destinationWarehouseId: ids.W1,
    quantity: 4,
  });
  await org.imsop.stock.reserveStock({ warehouseId: ids.W1, productId: ids.P2, quantity: 8 });
  // The first receipt of P1 (and so its level) happened at noon on day D.
  await sql(`UPDATE inventory_transactions SET created_at = $2 WHERE id = $1`, [ids.rcvP1, at(D, '12:00')]);
  await sql(`UPDATE inventory SET created_at = $3 WHERE warehouse_id = $1 AND product_id = $2`, [
    ids.W1,
    ids.P1,
    at(D, '12:00'),
  ]);

  const o = org.organizationId;
  const supplier = async (name: string) =>
    (
      await sql<{ id: string }>(
        `INSERT INTO suppliers (organization_id, name, name_key) VALUES ($1, $2, $3) RETURNING id`,
        [o, name, caseInsensitiveKey(name)],
      )
    )[0]!.id;
  ids.S1 = await supplier(`S1-${randomUUID()}`);
  ids.S2 = await supplier(`S2-${randomUUID()}`);
  let number = 0;
  const po = async (p: Record<string, unknown>) => {
    const cols = ['organization_id', 'number', ...Object.keys(p)];
    const values = [o, ++number, ...Object.values(p)];
    const [row] = await sql<{ id: string }>(
      `INSERT INTO purchase_orders (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      values,
    );
    return row!.id;
  };
  const approved = (day: string, hhmm: string) => ({ approved_at: at(day, hhmm), approved_by: org.adminUserId });
  const item = async (
    poId: string,
    line: number,
    productId: string,
    ordered: number,
    received: number,
    price: string,
    expected: string,
    fullyAt: string | null,
  ) =>
    (
      await sql<{ id: string }>(
        `INSERT INTO purchase_order_items (organization_id, purchase_order_id, line_number, product_id, quantity_ordered, quantity_received, unit_price, expected_date, fully_received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [o, poId, line, productId, ordered, received, price, expected, fullyAt],
      )
    )[0]!.id;
  const receipt = async (
    poId: string,
    receivedAt: string,
    itemId: string,
    productId: string,
    quantity: number,
    ledgerId: string,
  ) => {
    const [r] = await sql<{ id: string }>(
      `INSERT INTO receipts (organization_id, purchase_order_id, warehouse_id, received_at) VALUES ($1, $2, $3, $4) RETURNING id`,
      [o, poId, ids.W1, receivedAt],
    );
    await sql(
      `INSERT INTO receipt_lines (organization_id, receipt_id, purchase_order_item_id, product_id, quantity, inventory_transaction_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [o, r!.id, itemId, productId, quantity, ledgerId],
    );
  };
  // PO1: S1, EUR 100, submitted D 08:00, fully received D 20:00 (cycle 12 h); its line is due D and on time.
  ids.PO1 = await po({
    supplier_id: ids.S1,
    status: 'received',
    currency_code: 'EUR',
    total_amount: '100',
    submitted_at: at(D, '08:00'),
    ...approved(D, '09:00'),
    received_at: at(D, '20:00'),
  });
  const l1 = await item(ids.PO1, 1, ids.P1, 10, 10, '10', D, at(D, '20:00'));
  await receipt(ids.PO1, at(D, '20:00'), l1, ids.P1, 10, ids.rcvP2);
  // PO2: S2, USD 50, submitted D 10:00; its line (20 due D) got 5 units at D 15:00: late, 25 % filled.
  ids.PO2 = await po({
    supplier_id: ids.S2,
    status: 'partially_received',
    currency_code: 'USD',
    total_amount: '50',
    submitted_at: at(D, '10:00'),
    ...approved(D, '11:00'),
  });
  const l2 = await item(ids.PO2, 1, ids.P2, 20, 5, '2.5', D, null);
  await receipt(ids.PO2, at(D, '15:00'), l2, ids.P2, 5, ids.rcvP3);
  // PO3: S1, EUR 30, submitted D 12:00 and not approved: counts as submitted, its line is not measured.
  ids.PO3 = await po({
    supplier_id: ids.S1,
    status: 'submitted',
    currency_code: 'EUR',
    total_amount: '30',
    submitted_at: at(D, '12:00'),
  });
  await item(ids.PO3, 1, ids.P1, 3, 0, '10', D, null);
  // PO4: submitted the day before D, cancelled on D: nothing on D.
  await po({
    supplier_id: ids.S1,
    status: 'cancelled',
    currency_code: 'EUR',
    total_amount: '70',
    submitted_at: at(addDays(D, -1), '08:00'),
    cancelled_at: at(D, '09:00'),
    cancel_reason: 'changed our mind',
  });
  // PO5: S1, submitted two days before D, fully received D 08:00 (cycle 48 h); its line was due the day before D.
  ids.PO5 = await po({
    supplier_id: ids.S1,
    status: 'received',
    currency_code: 'EUR',
    total_amount: '40',
    submitted_at: at(addDays(D, -2), '08:00'),
    ...approved(addDays(D, -2), '09:00'),
    received_at: at(D, '08:00'),
  });
  await item(ids.PO5, 1, ids.P2, 4, 4, '10', addDays(D, -1), at(D, '08:00'));

  const created = at(addDays(D, -1), '06:00');
  await sql(`SELECT ensure_shipment_tracking_partitions($1, 1)`, [created]);
  const shipment = async (s: Record<string, unknown>) => {
    const cols = ['organization_id', 'created_at', 'carrier_key', ...Object.keys(s)];
    const values = [o, created, caseInsensitiveKey(String(s.carrier)), ...Object.values(s)];
    return (
      await sql<{ id: string }>(
        `INSERT INTO shipments (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
        values,
      )
    )[0]!.id;
  };
  // SH1: DHL, dispatched D 06:00, delivered D 18:00 (12 h), expected D 20:00: on time.
  ids.SH1 = await shipment({
    type: 'outbound',
    status: 'delivered',
    carrier: 'DHL',
    origin_warehouse_id: ids.W1,
    shipped_at: at(D, '06:00'),
    delivered_at: at(D, '18:00'),
    expected_delivery_at: at(D, '20:00'),
  });
  // SH2: dhl (the same carrier), dispatched the evening before, delivered D 12:00 (18 h), expected D 10:00: late.
  ids.SH2 = await shipment({
    type: 'outbound',
    status: 'delivered',
    carrier: 'dhl',
    origin_warehouse_id: ids.W1,
    shipped_at: at(addDays(D, -1), '18:00'),
    delivered_at: at(D, '12:00'),
    expected_delivery_at: at(D, '10:00'),
  });
  // SH3: UPS, inbound, 2 h in transit, no expected time.
  await shipment({
    type: 'inbound',
    status: 'delivered',
    carrier: 'UPS',
    destination_warehouse_id: ids.W1,
    shipped_at: at(D, '01:00'),
    delivered_at: at(D, '03:00'),
  });
  // SH4: still travelling.
  await shipment({
    type: 'outbound',
    status: 'in_transit',
    carrier: 'DHL',
    origin_warehouse_id: ids.W1,
    shipped_at: at(D, '07:00'),
  });
  const point = (shipmentId: string, sequence: number, recordedAt: string) =>
    sql(
      `INSERT INTO shipment_tracking (organization_id, shipment_id, shipment_created_at, sequence, event_time, recorded_at) VALUES ($1, $2, $3, $4, $5, $5)`,
      [o, shipmentId, created, sequence, recordedAt],
    );
  // Four points recorded on D, one the day before.
  await point(ids.SH1, 1, at(D, '06:00'));
  await point(ids.SH1, 2, at(D, '12:00'));
  await point(ids.SH1, 3, at(D, '18:00'));
  await point(ids.SH2, 1, at(addDays(D, -1), '18:00'));
  await point(ids.SH2, 2, at(D, '12:00'));
}

type Expected = Record<string, [value: number, samples: number]>;

/** analytics_metrics of the organization for one day, keyed metric|dimension kind|value|currency. */
async function storedDay(day: string): Promise<Expected> {
  const rows = await sql<{
    metric: string;
    dimension_kind: string;
    dimension_value: string;
    currency_code: string;
    value: string;
    sample_count: string;
  }>(
    `SELECT metric, dimension_kind, dimension_value, currency_code, value::text AS value, sample_count::text AS sample_count
     FROM analytics_metrics WHERE organization_id = $1 AND day = $2::date`,
    [org.organizationId, day],
  );
  return Object.fromEntries(
    rows.map((r) => [
      [r.metric, r.dimension_kind, r.dimension_value, r.currency_code].join('|'),
      [Number(r.value), Number(r.sample_count)],
    ]),
  );
}

const run = (days: string[]) =>
  aggregate(ts.runtime.app.db, analyticsFacts, { days, organizationIds: [org.organizationId] });

describe('daily metrics of a known scenario', () => {
  const expectedD = (): Expected => ({
    // Stock at the end of D: only P1 @W1 existed, with 20 on hand (today's issue of 5 came later).
    'inventory_units|||': [20, 1],
    [`inventory_units|warehouse|${ids.W1}|`]: [20, 1],
    'stock_outs|||': [0, 1],
    [`stock_outs|warehouse|${ids.W1}|`]: [0, 1],
    'low_stock|||': [1, 1],
    [`low_stock|warehouse|${ids.W1}|`]: [1, 1],
    'inventory_value|||EUR': [210, 1],
    [`inventory_value|warehouse|${ids.W1}|EUR`]: [210, 1],
    'stock_movements|||': [1, 1],
    'stock_movements|movement_type|receive|': [1, 1],
    [`stock_movements|warehouse|${ids.W1}|`]: [1, 1],
    'stock_movement_units|||': [20, 1],
    'stock_movement_units|movement_type|receive|': [20, 1],
    // PO1, PO2, PO3 submitted on D.
    'purchase_orders_submitted|||': [3, 3],
    [`purchase_orders_submitted|supplier|${ids.S1}|`]: [2, 2],
    [`purchase_orders_submitted|supplier|${ids.S2}|`]: [1, 1],
    'purchase_order_value|||EUR': [130, 2],
    'purchase_order_value|||USD': [50, 1],
    [`purchase_order_value|supplier|${ids.S1}|EUR`]: [130, 2],
    [`purchase_order_value|supplier|${ids.S2}|USD`]: [50, 1],
    // PO1 (12 h) and PO5 (48 h) fully received on D: mean 30 h.
    'purchase_order_cycle_time|||': [108_000, 2],
    [`purchase_order_cycle_time|supplier|${ids.S1}|`]: [108_000, 2],
    // Lines due D on placed orders: PO1's (on time, 10/10) and PO2's (late, 5/20).
    'supplier_on_time_rate|||': [0.5, 2],
    [`supplier_on_time_rate|supplier|${ids.S1}|`]: [1, 1],
    [`supplier_on_time_rate|supplier|${ids.S2}|`]: [0, 1],
    'supplier_fill_rate|||': [0.5, 30],
    [`supplier_fill_rate|supplier|${ids.S1}|`]: [1, 10],
    [`supplier_fill_rate|supplier|${ids.S2}|`]: [0.25, 20],
    // SH1 12 h, SH2 18 h, SH3 2 h; of SH1 and SH2 (with an expected time) one on time.
    'shipment_transit_time|||': [38_400, 3],
    'shipment_transit_time|carrier|dhl|': [54_000, 2],
    'shipment_transit_time|carrier|ups|': [7_200, 1],
    'shipment_on_time_rate|||': [0.5, 2],
    'shipment_on_time_rate|carrier|dhl|': [0.5, 2],
    'tracking_updates|||': [4, 4],
  });

  const expectedToday = (): Expected => ({
    // P1 @W1 15 (reorder 20: low), P2 @W1 8 all reserved (out), P3 @W1 4, P3 @W2 0 (out).
    'inventory_units|||': [27, 4],
    [`inventory_units|warehouse|${ids.W1}|`]: [27, 3],
    [`inventory_units|warehouse|${ids.W2}|`]: [0, 1],
    'stock_outs|||': [2, 4],
    [`stock_outs|warehouse|${ids.W1}|`]: [1, 3],
    [`stock_outs|warehouse|${ids.W2}|`]: [1, 1],
    'low_stock|||': [1, 4],
    [`low_stock|warehouse|${ids.W1}|`]: [1, 3],
    [`low_stock|warehouse|${ids.W2}|`]: [0, 1],
    // 15 x 10.50 + 8 x 2.25; P3 has no cost.
    'inventory_value|||EUR': [175.5, 2],
    [`inventory_value|warehouse|${ids.W1}|EUR`]: [175.5, 2],
    'stock_movements|||': [6, 6],
    'stock_movements|movement_type|receive|': [2, 2],
    'stock_movements|movement_type|issue|': [1, 1],
    'stock_movements|movement_type|transfer_out|': [1, 1],
    'stock_movements|movement_type|transfer_in|': [1, 1],
    'stock_movements|movement_type|reserve|': [1, 1],
    [`stock_movements|warehouse|${ids.W1}|`]: [4, 4],
    [`stock_movements|warehouse|${ids.W2}|`]: [2, 2],
    'stock_movement_units|||': [33, 6],
    'stock_movement_units|movement_type|receive|': [12, 2],
    'stock_movement_units|movement_type|issue|': [5, 1],
    'stock_movement_units|movement_type|transfer_out|': [4, 1],
    'stock_movement_units|movement_type|transfer_in|': [4, 1],
    'stock_movement_units|movement_type|reserve|': [8, 1],
    'purchase_orders_submitted|||': [0, 0],
    'tracking_updates|||': [0, 0],
  });

  it('equal the values computed by hand, for a past day and for today', async () => {
    const outcome = await run([D, today]);
    expect(outcome.ran).toBe(true);
    expect(await storedDay(D)).toEqual(expectedD());
    expect(await storedDay(today)).toEqual(expectedToday());
  });

  it('are unchanged by aggregating again, and rows that no longer apply disappear', async () => {
    const before = await sql(
      `SELECT metric, dimension_kind, dimension_value, currency_code, day::text, value::text, sample_count FROM analytics_metrics WHERE organization_id = $1 ORDER BY 1, 2, 3, 4, 5`,
      [org.organizationId],
    );
    await sql(
      `INSERT INTO analytics_metrics (organization_id, metric, dimension_kind, dimension_value, day, value) VALUES ($1, 'stock_outs', 'warehouse', $2, $3, 99)`,
      [org.organizationId, randomUUID(), D],
    );
    await run([D, today]);
    await run([D, today]);
    const after = await sql(
      `SELECT metric, dimension_kind, dimension_value, currency_code, day::text, value::text, sample_count FROM analytics_metrics WHERE organization_id = $1 ORDER BY 1, 2, 3, 4, 5`,
      [org.organizationId],
    );
    expect(after).toEqual(before);
  });
});

describe('QueryMetric and GetKpiSummary', () => {
  const query = (request: Parameters<typeof M.QueryMetricRequest.fromPartial>[0], imsop: ImsopClient = org.imsop) =>
    imsop.metrics.queryMetric(request);
  const summary = (windowDays = 0, imsop: ImsopClient = org.imsop) => imsop.metrics.getKpiSummary({ windowDays });
  const date = (day: string) => ({
    year: Number(day.slice(0, 4)),
    month: Number(day.slice(5, 7)),
    day: Number(day.slice(8, 10)),
  });
  const range = { startDate: date(addDays(D, -5)), endDate: date(today) };

  it('returns a series per dimension value over the range, days without a value left out', async () => {
    const units = await query({ metric: Metric.METRIC_INVENTORY_UNITS, ...range });
    expect(units.unit).toBe(MetricUnit.METRIC_UNIT_UNITS);
    expect(units.series).toHaveLength(1);
    expect(units.series[0]!.points.map((p) => [p.date, p.value, p.sampleCount])).toEqual([
      [date(D), '20', 1],
      [date(today), '27', 4],
    ]);
    const byType = await query({
      metric: Metric.METRIC_STOCK_MOVEMENTS,
      ...range,
      dimensionKind: DimensionKind.DIMENSION_KIND_MOVEMENT_TYPE,
    });
    expect(byType.series.map((s) => [s.dimensionValue, s.points.map((p) => Number(p.value))])).toEqual([
      ['issue', [1]],
      ['receive', [1, 2]],
      ['reserve', [1]],
      ['transfer_in', [1]],
      ['transfer_out', [1]],
    ]);
    const s1 = await query({
      metric: Metric.METRIC_PURCHASE_ORDER_VALUE,
      ...range,
      dimensionKind: DimensionKind.DIMENSION_KIND_SUPPLIER,
      dimensionValue: ids.S1,
    });
    expect(s1.unit).toBe(MetricUnit.METRIC_UNIT_MONEY);
    expect(
      s1.series.map((s) => [s.dimensionKind, s.dimensionValue, s.currencyCode, s.points.map((p) => Number(p.value))]),
    ).toEqual([[DimensionKind.DIMENSION_KIND_SUPPLIER, ids.S1, 'EUR', [130]]]);
    const dhl = await query({
      metric: Metric.METRIC_SHIPMENT_TRANSIT_TIME,
      ...range,
      dimensionKind: DimensionKind.DIMENSION_KIND_CARRIER,
      dimensionValue: 'DHL',
    });
    expect(dhl.series[0]!.points.map((p) => Number(p.value))).toEqual([54_000]);
  });

  it('rejects what it cannot answer', async () => {
    const bad = await expectError(
      query({
        metric: Metric.METRIC_UNSPECIFIED,
        startDate: date(today),
        endDate: { year: 2026, month: 2, day: 30 },
        dimensionKind: DimensionKind.DIMENSION_KIND_UNSPECIFIED,
        dimensionValue: 'x',
      }),
    );
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(['metric', 'end_date', 'dimension_value']);
    const wrongDimension = await expectError(
      query({
        metric: Metric.METRIC_TRACKING_UPDATES,
        ...range,
        dimensionKind: DimensionKind.DIMENSION_KIND_WAREHOUSE,
      }),
    );
    expect(wrongDimension.fieldViolations).toEqual([
      { field: 'dimension_kind', description: 'must be UNSPECIFIED: this metric has no breakdown' },
    ]);
    const tooLong = await expectError(
      query({ metric: Metric.METRIC_TRACKING_UPDATES, startDate: date('2024-01-01'), endDate: date('2025-01-01') }),
    );
    expect(tooLong.fieldViolations[0]?.field).toBe('end_date');
    const backwards = await expectError(
      query({ metric: Metric.METRIC_TRACKING_UPDATES, startDate: date(today), endDate: date(D) }),
    );
    expect(backwards.fieldViolations[0]).toEqual({ field: 'end_date', description: 'must not be before start_date' });
  });

  it('summarises the latest day and the window in one call', async () => {
    const { summary: s } = await summary(30);
    expect(s).toMatchObject({
      date: date(today),
      windowDays: 30,
      inventoryValue: [{ currencyCode: 'EUR', units: 175, nanos: 500_000_000 }],
      unitsOnHand: 27,
      stockOutCount: 2,
      lowStockCount: 1,
      stockMovementCount: 7,
      purchaseOrdersSubmitted: 3,
      purchaseOrderValue: [
        { currencyCode: 'EUR', units: 130, nanos: 0 },
        { currencyCode: 'USD', units: 50, nanos: 0 },
      ],
      purchaseOrderCycleTime: { seconds: 108_000, nanos: 0 },
      supplierOnTimeRate: 0.5,
      supplierFillRate: 0.5,
      shipmentsDelivered: 3,
      shipmentTransitTime: { seconds: 38_400, nanos: 0 },
      shipmentOnTimeRate: 0.5,
      trackingUpdates: 4,
    });
    expect(s!.computeTime).toBeInstanceOf(Date);
    // Only today: nothing was measured, so the rates are unset rather than zero.
    const { summary: one } = await summary(1);
    expect(one).toMatchObject({
      windowDays: 1,
      stockMovementCount: 6,
      purchaseOrdersSubmitted: 0,
      shipmentsDelivered: 0,
      trackingUpdates: 0,
    });
    expect(one!.supplierOnTimeRate).toBeUndefined();
    expect(one!.purchaseOrderCycleTime).toBeUndefined();
    expect((await expectError(summary(400))).fieldViolations[0]?.field).toBe('window_days');
  });

  it('is empty for an organization never aggregated, and needs analytics.metrics:read', async () => {
    const fresh = await signedInTenant(ts);
    const { summary: s } = await summary(0, fresh.imsop);
    expect(s).toMatchObject({ date: undefined, windowDays: 30, unitsOnHand: 0, inventoryValue: [] });
    expect((await query({ metric: Metric.METRIC_INVENTORY_UNITS, ...range }, fresh.imsop)).series).toEqual([]);
    const noRole = await userWithRoles(ts, org, []);
    expect((await expectError(summary(0, noRole.imsop))).code).toBe(Status.PERMISSION_DENIED);
  });
});

describe('imsop analytics aggregate', () => {
  const exec = promisify(execFile);
  const imsop = (args: string[]) =>
    exec(path.resolve('node_modules/.bin/tsx'), ['src/cli/main.ts', 'analytics', 'aggregate', ...args], {
      env: { PATH: process.env.PATH, DATABASE_URL: ts.database.adminUrl, DATABASE_APP_PASSWORD: TEST_APP_PASSWORD },
    });

  it('aggregates a range of days for every organization now, with the same numbers as before', async () => {
    const before = await storedDay(D);
    const { stdout } = await imsop(['--date', D, '--to', today]);
    expect(stdout).toMatch(
      new RegExp(`^Aggregated ${D} to ${today}: \\d+ organization\\(s\\), \\d+ metric row\\(s\\)\\.$`, 'm'),
    );
    expect(await storedDay(D)).toEqual(before);
    const bad = await imsop(['--date', '2026-02-30']).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--date and --to must be calendar dates written YYYY-MM-DD'),
    });
  });
});

describe('aggregation by several instances', () => {
  it('is done by one of two instances running it at once; a scheduled run within the interval is skipped', async () => {
    const second = await startTestServer({ database: ts.database, env: QUIET });
    try {
      for (let i = 0; i < 2; i++) await signedInTenant(ts);
      const days = daysBetween(addDays(today, -40), today);
      const outcomes = await Promise.all(
        [ts, second].map((s) => aggregate(s.runtime.app.db, analyticsFacts, { days })),
      );
      expect(outcomes.map((o) => o.ran).sort()).toEqual([false, true]);
      expect(outcomes.find((o) => !o.ran)).toEqual({ ran: false, reason: 'busy' });
      const done = outcomes.find((o) => o.ran)!;
      const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM analytics_metrics`);
      expect(done.ran && done.result.rows).toBe(n);

      // The schedule: the first instance to find the job due claims it, the other finds it done.
      const hour = 3_600_000;
      const first = await aggregate(ts.runtime.app.db, analyticsFacts, { days: [today] }, hour);
      const again = await aggregate(second.runtime.app.db, analyticsFacts, { days: [today] }, hour);
      expect([first.ran, again]).toEqual([true, { ran: false, reason: 'not_due' }]);
    } finally {
      await second.stop();
    }
  });
});
