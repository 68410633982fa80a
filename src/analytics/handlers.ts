import type { EventServiceService } from '../../gen/ts/imsop/analytics/v1/event_service.js';
import type { MetricServiceService } from '../../gen/ts/imsop/analytics/v1/metric_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { EventService } from './event-service.js';
import type { MetricService } from './metric-service.js';

/** imsop.analytics.v1.EventService: proto in, domain call, proto out. */
export function eventHandlers(events: EventService): ServiceHandlers<typeof EventServiceService> {
  return {
    recordEvents: (request, ctx) => events.record(ctx.tenant, request),
    listEvents: (request, ctx) => events.list(ctx.tenant, request),
  };
}

/** imsop.analytics.v1.MetricService. */
export function metricHandlers(metrics: MetricService): ServiceHandlers<typeof MetricServiceService> {
  return {
    queryMetric: (request, ctx) => metrics.query(ctx.tenant, request),
    getKpiSummary: (request, ctx) => metrics.summary(ctx.tenant, request),
  };
}
