import { DimensionKind, Metric, MetricUnit } from '../../gen/ts/imsop/analytics/v1/resources.js';
import { enumMapping } from '../platform/enum-mapping.js';
import type { SelectedRow } from '../platform/db/table-row.js';

/** How a metric row is broken down ('' is the organization-wide total), as stored. */
export type Dimension = '' | 'warehouse' | 'supplier' | 'carrier' | 'movement_type';

export type Unit = 'count' | 'units' | 'money' | 'seconds' | 'ratio';

/**
 * The daily metrics: stored name (analytics_metrics.metric), API enum, unit and the dimensions
 * each is broken down by besides the total. The definitions (what exactly is counted) are in
 * proto/imsop/analytics/v1/resources.proto and implemented in metrics/*.ts.
 */
export const METRICS = {
  inventory_value: { proto: Metric.METRIC_INVENTORY_VALUE, unit: 'money', dimensions: ['warehouse'] },
  inventory_units: { proto: Metric.METRIC_INVENTORY_UNITS, unit: 'units', dimensions: ['warehouse'] },
  stock_outs: { proto: Metric.METRIC_STOCK_OUTS, unit: 'count', dimensions: ['warehouse'] },
  low_stock: { proto: Metric.METRIC_LOW_STOCK, unit: 'count', dimensions: ['warehouse'] },
  stock_movements: { proto: Metric.METRIC_STOCK_MOVEMENTS, unit: 'count', dimensions: ['movement_type', 'warehouse'] },
  stock_movement_units: { proto: Metric.METRIC_STOCK_MOVEMENT_UNITS, unit: 'units', dimensions: ['movement_type'] },
  purchase_orders_submitted: {
    proto: Metric.METRIC_PURCHASE_ORDERS_SUBMITTED,
    unit: 'count',
    dimensions: ['supplier'],
  },
  purchase_order_value: { proto: Metric.METRIC_PURCHASE_ORDER_VALUE, unit: 'money', dimensions: ['supplier'] },
  purchase_order_cycle_time: {
    proto: Metric.METRIC_PURCHASE_ORDER_CYCLE_TIME,
    unit: 'seconds',
    dimensions: ['supplier'],
  },
  supplier_on_time_rate: { proto: Metric.METRIC_SUPPLIER_ON_TIME_RATE, unit: 'ratio', dimensions: ['supplier'] },
  supplier_fill_rate: { proto: Metric.METRIC_SUPPLIER_FILL_RATE, unit: 'ratio', dimensions: ['supplier'] },
  shipment_transit_time: { proto: Metric.METRIC_SHIPMENT_TRANSIT_TIME, unit: 'seconds', dimensions: ['carrier'] },
  shipment_on_time_rate: { proto: Metric.METRIC_SHIPMENT_ON_TIME_RATE, unit: 'ratio', dimensions: ['carrier'] },
  tracking_updates: { proto: Metric.METRIC_TRACKING_UPDATES, unit: 'count', dimensions: [] },
} as const satisfies Record<string, { proto: Metric; unit: Unit; dimensions: readonly Dimension[] }>;

export type MetricName = keyof typeof METRICS;

/** One computed figure of one organization and day, as analytics_metrics stores it. */
export type MetricRow = Omit<
  SelectedRow<
    'analytics_metrics',
    ['metric', 'dimension_kind', 'dimension_value', 'currency_code', 'value', 'sample_count']
  >,
  'metric' | 'dimension_kind'
> & {
  metric: MetricName;
  dimension_kind: Dimension;
};

const METRIC = enumMapping(
  Object.fromEntries(Object.entries(METRICS).map(([name, m]) => [name, m.proto])) as Record<MetricName, Metric>,
  Metric.METRIC_UNSPECIFIED,
);
export const metricByProto = METRIC.fromProto;

const UNIT = enumMapping<Unit, MetricUnit>(
  {
    count: MetricUnit.METRIC_UNIT_COUNT,
    units: MetricUnit.METRIC_UNIT_UNITS,
    money: MetricUnit.METRIC_UNIT_MONEY,
    seconds: MetricUnit.METRIC_UNIT_SECONDS,
    ratio: MetricUnit.METRIC_UNIT_RATIO,
  },
  MetricUnit.METRIC_UNIT_UNSPECIFIED,
);
export const unitToProto: (unit: Unit) => MetricUnit = UNIT.toProto;

/** '' (the organization-wide total) is DIMENSION_KIND_UNSPECIFIED both ways. */
const DIMENSION = enumMapping<Dimension, DimensionKind>(
  {
    '': DimensionKind.DIMENSION_KIND_UNSPECIFIED,
    warehouse: DimensionKind.DIMENSION_KIND_WAREHOUSE,
    supplier: DimensionKind.DIMENSION_KIND_SUPPLIER,
    carrier: DimensionKind.DIMENSION_KIND_CARRIER,
    movement_type: DimensionKind.DIMENSION_KIND_MOVEMENT_TYPE,
  },
  DimensionKind.DIMENSION_KIND_UNSPECIFIED,
);
export const dimensionToProto: (dimension: Dimension) => DimensionKind = DIMENSION.toProto;
export const dimensionFromProto = DIMENSION.fromProto;
