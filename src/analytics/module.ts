import { EventServiceService } from '../../gen/ts/imsop/analytics/v1/event_service.js';
import { MetricServiceService } from '../../gen/ts/imsop/analytics/v1/metric_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { bindService, type BoundService, type CallEnvironment } from '../platform/grpc/bind-service.js';
import { aggregationTask } from './aggregation.js';
import { eventPartitionTask } from './event-partitions.js';
import { EventService } from './event-service.js';
import { eventHandlers, metricHandlers } from './handlers.js';
import { MetricService } from './metric-service.js';
import { retentionTask } from './retention/retention-task.js';

/** The analytics domain's gRPC services. */
export function analyticsServices(app: AppContext, env: CallEnvironment): BoundService[] {
  return [
    bindService(EventServiceService, eventHandlers(new EventService(app)), env),
    bindService(MetricServiceService, metricHandlers(new MetricService(app)), env),
  ];
}

/**
 * The analytics domain's background work: keeping the event partitions ahead, aggregating the
 * daily metrics and running retention, each on its configured schedule.
 */
export function analyticsBackgroundTasks(app: AppContext): BackgroundTask[] {
  return [eventPartitionTask(app), aggregationTask(app), retentionTask(app)];
}
