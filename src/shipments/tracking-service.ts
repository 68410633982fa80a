import {
  RecordTrackingUpdateRequest,
  RecordTrackingUpdateResponse,
  type ListTrackingPointsRequest,
  type ListTrackingPointsResponse,
} from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import type { Database, TenantScope } from '../platform/db/database.js';
import { mutation } from '../platform/mutation.js';
import type { PageTokens } from '../platform/page-tokens.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { toTrackingPoint } from './mappers.js';
import { recordPoints, recordWithResends, type RecordDeps } from './record-points.js';
import { findShipment, readPoints, shipmentNotFound } from './shipment-queries.js';
import type { TrackingPartitions } from './tracking-partitions.js';
import { validateTrackingUpdate } from './tracking-update.js';

export interface TrackingServiceDeps extends RecordDeps {
  db: Database;
  partitions: TrackingPartitions;
  pageTokens: PageTokens;
}

/** The unary tracking calls: one update in, and a shipment's stored history out. */
export class TrackingService {
  constructor(private readonly deps: TrackingServiceDeps) {}

  /**
   * Stores one update, exactly as one message of the scanner stream would be.
   * @throws AppError what the stream would answer in-band: INVALID_ARGUMENT, NOT_FOUND,
   *   FAILED_PRECONDITION...
   */
  async record(
    scope: TenantScope,
    method: string,
    request: RecordTrackingUpdateRequest,
  ): Promise<RecordTrackingUpdateResponse> {
    const draft = validateTrackingUpdate(request.update, Date.now());
    const mutationMethod = {
      path: method,
      request: RecordTrackingUpdateRequest,
      response: RecordTrackingUpdateResponse,
    };
    return this.deps.partitions.withPartition(() =>
      recordWithResends((lookUpResends) =>
        mutation(this.deps.db, scope, mutationMethod, request, async (work) => {
          const [outcome] = await recordPoints(work, [draft], this.deps, lookUpResends);
          if (!outcome!.ok) throw outcome!.error;
          return { trackingPoint: toTrackingPoint(outcome!.point), duplicate: outcome!.duplicate };
        }),
      ),
    );
  }

  /** Points in sequence order, keyset-paged on the sequence. @throws AppError INVALID_ARGUMENT, NOT_FOUND. */
  async listPoints(
    scope: TenantScope,
    method: string,
    request: ListTrackingPointsRequest,
  ): Promise<ListTrackingPointsResponse> {
    const v = new Violations().uuid('shipment_id', request.shipmentId);
    if (!Number.isSafeInteger(request.sinceSequence) || request.sinceSequence < 0)
      v.add('since_sequence', 'must not be negative');
    v.throwIfAny();
    const size = resolvePageSize(request.pageSize, { default: 100, max: 1000 });
    const shipmentId = request.shipmentId.toLowerCase();
    const binding = { organizationId: scope.organizationId, method, filter: [shipmentId, request.sinceSequence] };
    const keys = this.deps.pageTokens.decode(request.pageToken, binding, ['integer']);
    const after = keys ? keys[0] : request.sinceSequence;
    return this.deps.db.inTenant(scope, async (work) => {
      const shipment = await findShipment(work, shipmentId);
      if (!shipment) throw shipmentNotFound();
      const rows = await readPoints(work, shipment.id, after, size + 1);
      const page = this.deps.pageTokens.page(rows, size, binding, (r) => [Number(r.sequence)]);
      return { trackingPoints: page.items.map(toTrackingPoint), nextPageToken: page.nextPageToken };
    });
  }
}
