import { sql } from 'kysely';
import type { Duration } from '../../gen/ts/google/protobuf/duration.js';
import type { Money } from '../../gen/ts/google/type/money.js';
import type {
  GetKpiSummaryRequest,
  GetKpiSummaryResponse,
  KpiSummary,
  QueryMetricRequest,
  QueryMetricResponse,
} from '../../gen/ts/imsop/analytics/v1/metric_service.js';
import type { MetricSeries } from '../../gen/ts/imsop/analytics/v1/resources.js';
import type { AppContext } from '../platform/app-context.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import type { TenantScope } from '../platform/db/database.js';
import { decimalToMoney } from '../platform/money.js';
import { isUuid, Violations } from '../platform/validation.js';
import {
  dimensionFromProto,
  dimensionToProto,
  METRICS,
  metricByProto,
  unitToProto,
  type MetricName,
} from './metric-catalogue.js';
import { addDays, dayDistance, dayFromProto, dayToProto } from './utc-day.js';

const MAX_RANGE_DAYS = 366;
const DEFAULT_WINDOW_DAYS = 30;

/** Reads the aggregated metrics (written by aggregate-day.ts). */
export class MetricService {
  constructor(private readonly app: AppContext) {}

  /**
   * One metric's series over a range of days, from the metrics table's primary key (organization,
   * metric, dimension, currency, day): one index range per request.
   * @throws AppError INVALID_ARGUMENT (unknown metric, bad dates or range, a dimension the metric
   *   has no breakdown by, a malformed dimension value).
   */
  async query(scope: TenantScope, request: QueryMetricRequest): Promise<QueryMetricResponse> {
    const v = new Violations();
    const metric = metricByProto(request.metric);
    if (!metric) v.add('metric', 'must be one of the metrics (not UNSPECIFIED)');
    const start = dayFromProto(v, 'start_date', request.startDate);
    const end = dayFromProto(v, 'end_date', request.endDate);
    if (start && end && end < start) v.add('end_date', 'must not be before start_date');
    else if (start && end && dayDistance(start, end) >= MAX_RANGE_DAYS)
      v.add('end_date', `must be at most ${MAX_RANGE_DAYS} days from start_date (both included)`);
    const dimension = dimensionFromProto(request.dimensionKind);
    if (dimension === undefined) v.add('dimension_kind', 'is not a known dimension');
    else if (dimension !== '' && metric && !(METRICS[metric].dimensions as readonly string[]).includes(dimension)) {
      const allowed = METRICS[metric].dimensions;
      v.add(
        'dimension_kind',
        allowed.length > 0
          ? `must be UNSPECIFIED or one of ${allowed.map((d) => d.toUpperCase()).join(', ')} for this metric`
          : 'must be UNSPECIFIED: this metric has no breakdown',
      );
    }
    const value = request.dimensionValue;
    if (value && dimension === '') v.add('dimension_value', 'requires dimension_kind');
    else if (value && (dimension === 'warehouse' || dimension === 'supplier') && !isUuid(value))
      v.add('dimension_value', `must be a ${dimension} id (UUID)`);
    v.maxChars('dimension_value', value, 200).throwIfAny();

    const org = scope.organizationId;
    const name = metric!;
    // Stored as keys: ids as PostgreSQL prints uuids, carriers by their case-insensitive key
    // (which for ids and movement types is their lower case).
    const wanted = caseInsensitiveKey(value);
    const rows = await this.app.db.inTenant(scope, (work) =>
      work.tx
        .selectFrom('analytics_metrics')
        .select([
          'dimension_value',
          'currency_code',
          sql<string>`day::text`.as('day'),
          sql<string>`value::text`.as('value'),
          'sample_count',
          'computed_at',
        ])
        .where('organization_id', '=', org)
        .where('metric', '=', name)
        .where('dimension_kind', '=', dimension!)
        .$if(wanted !== '', (q) => q.where('dimension_value', '=', wanted))
        .where('day', '>=', sql<Date>`${start}::date`)
        .where('day', '<=', sql<Date>`${end}::date`)
        .orderBy('dimension_value')
        .orderBy('currency_code')
        .orderBy('day')
        .execute(),
    );
    const series: MetricSeries[] = [];
    for (const row of rows) {
      let current = series[series.length - 1];
      if (!current || current.dimensionValue !== row.dimension_value || current.currencyCode !== row.currency_code) {
        current = {
          dimensionKind: dimensionToProto(dimension!),
          dimensionValue: row.dimension_value,
          currencyCode: row.currency_code,
          points: [],
        };
        series.push(current);
      }
      current.points.push({
        date: dayToProto(row.day),
        value: row.value,
        sampleCount: Number(row.sample_count),
        computeTime: row.computed_at,
      });
    }
    return { metric: request.metric, unit: unitToProto(METRICS[name].unit), series };
  }

  /**
   * The dashboard figures: the stock position of the latest aggregated day, and the activity of
   * the `window_days` days ending with it, combined from the daily totals (sums, and averages and
   * rates weighted by their sample counts, which makes them exact). Two indexed queries.
   * @throws AppError INVALID_ARGUMENT for window_days outside 0..366.
   */
  async summary(scope: TenantScope, request: GetKpiSummaryRequest): Promise<GetKpiSummaryResponse> {
    const v = new Violations();
    if (!Number.isInteger(request.windowDays) || request.windowDays < 0 || request.windowDays > MAX_RANGE_DAYS) {
      v.add('window_days', `must be between 0 (meaning ${DEFAULT_WINDOW_DAYS}) and ${MAX_RANGE_DAYS}`);
    }
    v.throwIfAny();
    const windowDays = request.windowDays || DEFAULT_WINDOW_DAYS;
    const org = scope.organizationId;
    const summary: KpiSummary = {
      date: undefined,
      computeTime: undefined,
      windowDays,
      inventoryValue: [],
      unitsOnHand: 0,
      stockOutCount: 0,
      lowStockCount: 0,
      stockMovementCount: 0,
      purchaseOrdersSubmitted: 0,
      purchaseOrderValue: [],
      purchaseOrderCycleTime: undefined,
      shipmentsDelivered: 0,
      shipmentTransitTime: undefined,
      trackingUpdates: 0,
    };
    await this.app.db.inTenant(scope, async (work) => {
      // Every aggregation writes the inventory_units total, so its newest day is the latest one.
      const latest = await work.tx
        .selectFrom('analytics_metrics')
        .select([sql<string>`day::text`.as('day'), 'computed_at'])
        .where('organization_id', '=', org)
        .where('metric', '=', 'inventory_units')
        .where('dimension_kind', '=', '')
        .where('dimension_value', '=', '')
        .where('currency_code', '=', '')
        .orderBy('day', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!latest) return;
      summary.date = dayToProto(latest.day);
      summary.computeTime = latest.computed_at;
      const first = addDays(latest.day, -(windowDays - 1));
      const totals = await work.tx
        .selectFrom('analytics_metrics')
        .select([
          'metric',
          'currency_code',
          sql<string>`sum(value) FILTER (WHERE day = ${latest.day}::date)::text`.as('last_day'),
          sql<string>`sum(value)::text`.as('total'),
          sql<number>`sum(value * sample_count)::float8`.as('weighted'),
          sql<number>`sum(sample_count)::float8`.as('samples'),
        ])
        .where('organization_id', '=', org)
        .where('dimension_kind', '=', '')
        .where('day', '>=', sql<Date>`${first}::date`)
        .where('day', '<=', sql<Date>`${latest.day}::date`)
        .groupBy(['metric', 'currency_code'])
        .orderBy('metric')
        .orderBy('currency_code')
        .execute();
      for (const t of totals) applyTotal(summary, t.metric as MetricName, t);
    });
    return { summary };
  }
}

interface Total {
  currency_code: string;
  last_day: string | null;
  total: string;
  weighted: number;
  samples: number;
}

/** Puts one metric's window totals into the summary. */
function applyTotal(s: KpiSummary, metric: MetricName, t: Total): void {
  const count = (text: string | null) => Number(text ?? 0);
  const mean = () => (t.samples > 0 ? t.weighted / t.samples : undefined);
  switch (metric) {
    case 'inventory_value':
      if (t.last_day !== null) s.inventoryValue.push(money(t.last_day, t.currency_code));
      break;
    case 'inventory_units':
      s.unitsOnHand = count(t.last_day);
      break;
    case 'stock_outs':
      s.stockOutCount = count(t.last_day);
      break;
    case 'low_stock':
      s.lowStockCount = count(t.last_day);
      break;
    case 'stock_movements':
      s.stockMovementCount = count(t.total);
      break;
    case 'purchase_orders_submitted':
      s.purchaseOrdersSubmitted = count(t.total);
      break;
    case 'purchase_order_value':
      s.purchaseOrderValue.push(money(t.total, t.currency_code));
      break;
    case 'purchase_order_cycle_time':
      s.purchaseOrderCycleTime = duration(mean());
      break;
    case 'supplier_on_time_rate':
      s.supplierOnTimeRate = mean();
      break;
    case 'supplier_fill_rate':
      s.supplierFillRate = mean();
      break;
    case 'shipment_transit_time':
      s.shipmentsDelivered = t.samples;
      s.shipmentTransitTime = duration(mean());
      break;
    case 'shipment_on_time_rate':
      s.shipmentOnTimeRate = mean();
      break;
    case 'tracking_updates':
      s.trackingUpdates = count(t.total);
      break;
    case 'stock_movement_units':
      break;
  }
}

/** A numeric sum as Money, at most 4 decimal places (the precision of every stored amount). */
function money(amount: string, currency: string): Money {
  const [whole, fraction = ''] = amount.split('.');
  return decimalToMoney(fraction ? `${whole}.${fraction.slice(0, 4)}` : whole!, currency);
}

function duration(seconds: number | undefined): Duration | undefined {
  if (seconds === undefined) return undefined;
  const whole = Math.floor(seconds);
  return { seconds: whole, nanos: Math.round((seconds - whole) * 1000) * 1_000_000 };
}
