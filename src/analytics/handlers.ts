import type { EventServiceService } from '../../gen/ts/imsop/analytics/v1/event_service.js';
import type { MetricServiceService } from '../../gen/ts/imsop/analytics/v1/metric_service.js';
import { tenantOf } from '../platform/grpc/call-context.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { EventService } from './event-service.js';
import type { MetricService } from './metric-service.js';

/** imsop.analytics.v1.EventService: proto in, domain call, proto out. */
export function eventHandlers(events: EventService): ServiceHandlers<typeof EventServiceService> {
  return {
    recordEvents: (request, ctx) => events.record(tenantOf(ctx), request),
    listEvents: (request, ctx) => events.list(tenantOf(ctx), request),
  };
}

/** imsop.analytics.v1.MetricService. */
export function metricHandlers(metrics: MetricService): ServiceHandlers<typeof MetricServiceService> {
  return {
    queryMetric: (request, ctx) => metrics.query(tenantOf(ctx), request),
    getKpiSummary: (request, ctx) => metrics.summary(tenantOf(ctx), request),
  };
}
