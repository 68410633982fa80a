import { requires, type Access } from '../platform/auth/access.js';
import type { Permission } from '../identity/permission-catalogue.js';

const need = (permission: Permission): Access => requires(permission);

/** Access rules of imsop.analytics.v1 methods (merged into src/method-access.ts). */
export const ANALYTICS_ACCESS: Record<string, Access> = {
  '/imsop.analytics.v1.EventService/RecordEvents': need('analytics.events:write'),
  '/imsop.analytics.v1.EventService/ListEvents': need('analytics.events:read'),
  '/imsop.analytics.v1.MetricService/QueryMetric': need('analytics.metrics:read'),
  '/imsop.analytics.v1.MetricService/GetKpiSummary': need('analytics.metrics:read'),
};
