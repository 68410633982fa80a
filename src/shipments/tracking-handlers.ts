import type { TrackingServiceService } from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import { watchOrganizationFeed, type FeedDeps } from './organization-feed.js';
import { watchShipment, type WatchDeps } from './shipment-watch.js';
import type { TrackingIngest } from './tracking-ingest.js';
import type { TrackingService } from './tracking-service.js';
import { streamTrackingUpdates, type TrackingStreamDeps } from './tracking-stream.js';

export interface TrackingHandlerDeps extends WatchDeps, FeedDeps, TrackingStreamDeps {
  service: TrackingService;
  ingest: TrackingIngest;
}

/** imsop.shipments.v1.TrackingService: the scanner stream, the unary calls and the two watches. */
export function trackingHandlers(deps: TrackingHandlerDeps): ServiceHandlers<typeof TrackingServiceService> {
  return {
    streamTrackingUpdates: (stream, ctx) => streamTrackingUpdates(stream, ctx, deps),
    recordTrackingUpdate: (request, ctx) => deps.service.record(ctx.tenant, ctx.method, request),
    listTrackingPoints: (request, ctx) => deps.service.listPoints(ctx.tenant, ctx.method, request),
    watchShipment: (request, stream, ctx) => watchShipment(request, stream, ctx, deps),
    watchOrganizationFeed: (request, stream, ctx) => watchOrganizationFeed(request, stream, ctx, deps),
  };
}
