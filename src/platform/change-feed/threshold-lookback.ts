import type { Config } from '../config.js';

/**
 * How far back (in days) a threshold sweep looks for resources that crossed their threshold
 * (src/procurement/late-orders.ts, src/shipments/delayed-shipments.ts): a day less than the
 * change feed keeps its events (CHANGE_FEED_RETENTION_DAYS), so the event that says a resource
 * was already recorded is still there whenever the resource is a candidate (recorded-events.ts).
 */
export function thresholdLookbackDays(config: Pick<Config, 'CHANGE_FEED_RETENTION_DAYS'>): number {
  return Math.max(1, config.CHANGE_FEED_RETENTION_DAYS - 1);
}
