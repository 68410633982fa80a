import { sql } from 'kysely';
import { ShipmentStatus, ShipmentType, type Shipment } from '../../gen/ts/imsop/shipments/v1/resources.js';
import {
  CreateShipmentRequest,
  CreateShipmentResponse,
  UpdateShipmentStatusRequest,
  UpdateShipmentStatusResponse,
  type GetShipmentByTrackingNumberRequest,
  type ListShipmentsRequest,
  type ListShipmentsResponse,
} from '../../gen/ts/imsop/shipments/v1/shipment_service.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import type { Database, TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { alreadyExists, invalidArgument, notFound, type AppError, type NotFoundResource } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { created } from '../platform/change-feed/resource-change.js';
import { mutation } from '../platform/mutation.js';
import type { PageTokens } from '../platform/page-tokens.js';
import { resolvePageSize, type PageBinding } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { SHIPMENT, shipmentJson } from './change-events.js';
import {
  shipmentColumns,
  statusFromProto,
  toShipment,
  toTrackingPoint,
  typeFromProto,
  type ShipmentRow,
} from './mappers.js';
import { recordPoints, type RecordDeps } from './record-points.js';
import { findShipment, loadItems, lockShipment, shipmentNotFound } from './shipment-queries.js';
import type { TrackingPartitions } from './tracking-partitions.js';

const MAX_ITEMS = 500;
const MAX_ITEM_QUANTITY = 1_000_000_000;

/** Foreign keys of 0006 whose violation means "that resource does not exist in your organization". */
const MISSING_REFERENCE: Record<string, NotFoundResource> = {
  shipments_origin_warehouse_fkey: 'warehouse',
  shipments_destination_warehouse_fkey: 'warehouse',
  shipments_purchase_order_fkey: 'purchase order',
  shipment_items_product_fkey: 'product',
};

export interface ShipmentServiceDeps extends RecordDeps {
  db: Database;
  partitions: TrackingPartitions;
  pageTokens: PageTokens;
}

/** Shipments: create, read, list, and status changes with their stock effects. */
export class ShipmentService {
  constructor(private readonly deps: ShipmentServiceDeps) {}

  /**
   * @throws AppError INVALID_ARGUMENT (field violations), NOT_FOUND (warehouse, product or
   *   purchase order), ALREADY_EXISTS TRACKING_NUMBER_TAKEN.
   */
  async create(scope: TenantScope, method: string, request: CreateShipmentRequest): Promise<CreateShipmentResponse> {
    const input = validateCreate(request);
    const organizationId = scope.organizationId;
    return mutation(
      this.deps.db,
      scope,
      { path: method, request: CreateShipmentRequest, response: CreateShipmentResponse },
      request,
      async (work) => {
        try {
          const row = await work.tx
            .insertInto('shipments')
            .values({ organization_id: organizationId, ...input.shipment, created_by: work.actor.id })
            .returning(shipmentColumns)
            .executeTakeFirstOrThrow();
          await work.tx
            .insertInto('shipment_items')
            .values(
              input.items.map((item, i) => ({
                organization_id: organizationId,
                shipment_id: row.id,
                line_number: i + 1,
                ...item,
              })),
            )
            .execute();
          const shipment = toShipment(
            row,
            input.items.map((i) => ({ shipment_id: row.id, ...i })),
          );
          await recordChange(work, created(SHIPMENT, shipmentJson(shipment)));
          return { shipment };
        } catch (error) {
          throw fromWriteError(error) ?? error;
        }
      },
    );
  }

  /** @throws AppError NOT_FOUND SHIPMENT_NOT_FOUND, INVALID_ARGUMENT for a malformed id. */
  async get(scope: TenantScope, id: string): Promise<Shipment> {
    new Violations().uuid('id', id).throwIfAny();
    return this.deps.db.inTenant(scope, async (work) => {
      const row = await findShipment(work, id.toLowerCase());
      if (!row) throw shipmentNotFound();
      return (await withItems(work, [row]))[0]!;
    });
  }

  /** @throws AppError NOT_FOUND, INVALID_ARGUMENT (empty number; carrier needed to choose). */
  async getByTrackingNumber(scope: TenantScope, request: GetShipmentByTrackingNumberRequest): Promise<Shipment> {
    new Violations()
      .requireText('tracking_number', request.trackingNumber, 100)
      .maxChars('carrier', request.carrier, 100)
      .throwIfAny();
    const carrier = caseInsensitiveKey(request.carrier.trim());
    return this.deps.db.inTenant(scope, async (work) => {
      const rows = await work.tx
        .selectFrom('shipments')
        .select(shipmentColumns)
        .where('organization_id', '=', scope.organizationId)
        .where('tracking_number', '=', request.trackingNumber.trim())
        .$if(carrier !== '', (q) => q.where('carrier_key', '=', carrier))
        .limit(2)
        .execute();
      if (rows.length === 0) throw shipmentNotFound();
      if (rows.length > 1)
        throw invalidArgument([
          { field: 'carrier', description: 'is required: several carriers use this tracking number' },
        ]);
      return (await withItems(work, rows))[0]!;
    });
  }

  /** Newest first, keyset-paged on (created_at, id). @throws AppError INVALID_ARGUMENT. */
  async list(scope: TenantScope, method: string, request: ListShipmentsRequest): Promise<ListShipmentsResponse> {
    const v = new Violations().uuid('warehouse_id', request.warehouseId, false);
    const status =
      request.status === ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED ? undefined : statusFromProto(request.status);
    if (status === undefined && request.status !== ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED)
      v.add('status', 'is not a known shipment status');
    const type = request.type === ShipmentType.SHIPMENT_TYPE_UNSPECIFIED ? undefined : typeFromProto(request.type);
    if (type === undefined && request.type !== ShipmentType.SHIPMENT_TYPE_UNSPECIFIED)
      v.add('type', 'is not a known shipment type');
    if (request.startTime && request.endTime && request.startTime > request.endTime)
      v.add('start_time', 'must not be after end_time');
    v.throwIfAny();
    const size = resolvePageSize(request.pageSize);
    const warehouseId = request.warehouseId.toLowerCase();
    const binding: PageBinding = {
      organizationId: scope.organizationId,
      method,
      filter: [status, type, warehouseId, request.startTime?.toISOString(), request.endTime?.toISOString()],
    };
    const cursor = this.deps.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    return this.deps.db.inTenant(scope, async (work) => {
      const rows = await work.tx
        .selectFrom('shipments')
        .select([...shipmentColumns, sql<string>`created_at::text`.as('cursor_time')])
        .where('organization_id', '=', scope.organizationId)
        .$if(status !== undefined, (q) => q.where('status', '=', status!))
        .$if(type !== undefined, (q) => q.where('type', '=', type!))
        .$if(warehouseId !== '', (q) =>
          q.where((eb) =>
            eb.or([eb('origin_warehouse_id', '=', warehouseId), eb('destination_warehouse_id', '=', warehouseId)]),
          ),
        )
        .$if(request.startTime !== undefined, (q) => q.where('created_at', '>=', request.startTime!))
        .$if(request.endTime !== undefined, (q) => q.where('created_at', '<', request.endTime!))
        .$if(cursor !== undefined, (q) =>
          q.where(sql<boolean>`(created_at, id) < (${cursor![0]}::timestamptz, ${cursor![1]}::uuid)`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(size + 1)
        .execute();
      const page = this.deps.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, r.id]);
      return { shipments: await withItems(work, page.items), nextPageToken: page.nextPageToken };
    });
  }

  /**
   * Moves the shipment to the requested status with its stock effects and a tracking point
   * (src/shipments/status-change.ts). The current status changes nothing.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, ABORTED ETAG_MISMATCH, FAILED_PRECONDITION.
   */
  async updateStatus(
    scope: TenantScope,
    method: string,
    request: UpdateShipmentStatusRequest,
  ): Promise<UpdateShipmentStatusResponse> {
    const v = new Violations().uuid('id', request.id).maxChars('reason', request.reason, 500);
    const to = statusFromProto(request.status);
    if (!to) v.add('status', 'is required: the status to move to');
    v.throwIfAny();
    const id = request.id.toLowerCase();
    const mutationMethod = {
      path: method,
      request: UpdateShipmentStatusRequest,
      response: UpdateShipmentStatusResponse,
    };
    return this.deps.partitions.withPartition(() =>
      mutation(this.deps.db, scope, mutationMethod, request, async (work) => {
        const row = await lockShipment(work, id);
        checkEtag(request.etag, row.version);
        const items = (await loadItems(work, [id])).get(id) ?? [];
        if (row.status === to) return { shipment: toShipment(row, items), trackingPoint: undefined };
        const draft = {
          path: '',
          updateId: null,
          shipmentId: id,
          carrier: '',
          location: '',
          latitude: null,
          longitude: null,
          eventTime: new Date(),
          status: to!,
          note: request.reason,
        };
        const [outcome] = await recordPoints(work, [draft], this.deps);
        if (!outcome!.ok) throw outcome!.error;
        return { shipment: toShipment(outcome!.shipment, items), trackingPoint: toTrackingPoint(outcome!.point) };
      }),
    );
  }
}

/** Shipments as messages with their items (one query for the whole page). */
async function withItems(work: UnitOfWork, rows: ShipmentRow[]): Promise<Shipment[]> {
  const items = await loadItems(
    work,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toShipment(r, items.get(r.id) ?? []));
}

function validateCreate(request: CreateShipmentRequest) {
  const v = new Violations();
  const type = typeFromProto(request.type);
  if (!type) v.add('type', 'is required: INBOUND, OUTBOUND or TRANSFER');
  v.requireText('carrier', request.carrier, 100).maxChars('tracking_number', request.trackingNumber, 100);
  const origin = request.originWarehouseId.toLowerCase();
  const destination = request.destinationWarehouseId.toLowerCase();
  const needsOrigin = type === 'outbound' || type === 'transfer';
  const needsDestination = type === 'inbound' || type === 'transfer';
  if (type) {
    if (needsOrigin) v.uuid('origin_warehouse_id', origin);
    else if (origin) v.add('origin_warehouse_id', 'must be empty for an inbound shipment');
    if (needsDestination) v.uuid('destination_warehouse_id', destination);
    else if (destination) v.add('destination_warehouse_id', 'must be empty for an outbound shipment');
    if (type === 'transfer' && origin && origin === destination)
      v.add('destination_warehouse_id', 'must differ from origin_warehouse_id');
  }
  const purchaseOrderId = request.purchaseOrderId.toLowerCase();
  if (purchaseOrderId) {
    if (type && type !== 'inbound') v.add('purchase_order_id', 'is only allowed on inbound shipments');
    else v.uuid('purchase_order_id', purchaseOrderId);
  }
  if (request.items.length === 0) v.add('items', 'must have at least one line');
  if (request.items.length > MAX_ITEMS) v.add('items', `must have at most ${MAX_ITEMS} lines`);
  const seen = new Set<string>();
  request.items.forEach((item, i) => {
    v.uuid(`items[${i}].product_id`, item.productId);
    const productId = item.productId.toLowerCase();
    if (seen.has(productId)) v.add(`items[${i}].product_id`, 'appears on another line; use one line per product');
    seen.add(productId);
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_ITEM_QUANTITY) {
      v.add(`items[${i}].quantity`, `must be between 1 and ${MAX_ITEM_QUANTITY}`);
    }
  });
  if (
    request.expectedShipTime &&
    request.expectedDeliveryTime &&
    request.expectedDeliveryTime < request.expectedShipTime
  ) {
    v.add('expected_delivery_time', 'must not be before expected_ship_time');
  }
  v.throwIfAny();
  return {
    shipment: {
      type: type!,
      carrier: request.carrier.trim(),
      carrier_key: caseInsensitiveKey(request.carrier.trim()),
      tracking_number: request.trackingNumber.trim() || null,
      origin_warehouse_id: needsOrigin ? origin : null,
      destination_warehouse_id: needsDestination ? destination : null,
      purchase_order_id: purchaseOrderId || null,
      expected_ship_at: request.expectedShipTime ?? null,
      expected_delivery_at: request.expectedDeliveryTime ?? null,
    },
    items: request.items.map((i) => ({ product_id: i.productId.toLowerCase(), quantity: i.quantity })),
  };
}

/** A constraint violation of CreateShipment as the client should see it; undefined for anything else. */
function fromWriteError(error: unknown): AppError | undefined {
  const e = error as { code?: unknown; constraint?: unknown };
  if (e?.code === '23505' && e.constraint === 'shipments_tracking_number_key') {
    return alreadyExists('TRACKING_NUMBER_TAKEN', 'The carrier already has a shipment with this tracking number.');
  }
  if (e?.code === '23503' && typeof e.constraint === 'string' && MISSING_REFERENCE[e.constraint]) {
    return notFound(MISSING_REFERENCE[e.constraint]!, `The ${MISSING_REFERENCE[e.constraint]} does not exist.`);
  }
  return undefined;
}
