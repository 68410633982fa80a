import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { MetricRow } from '../metric-catalogue.js';
import type { DomainFacts } from '../read-ports/domain-facts.js';
import type { DayWindow } from '../utc-day.js';

/**
 * Computes one family of metrics for a day of the unit of work's organization, from the facts
 * one domain gives (read ports).
 */
export type MetricFamily = (work: UnitOfWork, window: DayWindow, facts: DomainFacts) => Promise<MetricRow[]>;

/**
 * Runs a query whose rows are already MetricRows (columns metric, dimension_kind,
 * dimension_value, currency_code, value as numeric text, sample_count).
 */
export async function metricRows(tx: Tx, query: RawBuilder<unknown>): Promise<MetricRow[]> {
  const { rows } =
    await sql<MetricRow>`SELECT metric, dimension_kind, dimension_value, currency_code, value::text AS value, sample_count::bigint AS sample_count
    FROM (${query}) AS computed`.execute(tx);
  return rows;
}
