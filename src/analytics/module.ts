import { EventServiceService } from '../../gen/ts/imsop/analytics/v1/event_service.js';
import { MetricServiceService } from '../../gen/ts/imsop/analytics/v1/metric_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { bindService, type BoundService, type CallEnvironment } from '../platform/grpc/bind-service.js';
import { eventPartitionTask } from '../platform/outbox/event-partitions.js';
import { aggregationTask } from './aggregation.js';
import { EventService } from './event-service.js';
import { eventHandlers, metricHandlers } from './handlers.js';
import { MetricService } from './metric-service.js';
import type { DomainFacts } from './read-ports/domain-facts.js';
import type { ArchivePorts } from './retention/archive-ports.js';
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
 * daily metrics (from the facts the other domains give through `facts`) and running retention
 * (whose moves the owning domains make through `archives`), each on its configured schedule.
 */
export function analyticsBackgroundTasks(
  app: AppContext,
  facts: DomainFacts,
  archives: ArchivePorts,
): BackgroundTask[] {
  return [eventPartitionTask(app), aggregationTask(app, facts), retentionTask(app, archives)];
}
