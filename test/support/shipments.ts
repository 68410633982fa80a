import { randomUUID } from 'node:crypto';
import type { ClientDuplexStream, ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import pg from 'pg';
import { BadRequest, ErrorInfo } from '../../gen/ts/google/rpc/error_details.js';
import type { Status } from '../../gen/ts/google/rpc/status.js';
import { CreateProductRequest } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import { ReceiveStockRequest } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { CreateWarehouseRequest } from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import { ShipmentType, type TrackingPoint, type TrackingUpdate, type TrackingUpdateAck } from '../../gen/ts/imsop/shipments/v1/resources.js';
import type { CreateShipmentRequest } from '../../gen/ts/imsop/shipments/v1/shipment_service.js';
import type {
  StreamTrackingUpdatesRequest,
  StreamTrackingUpdatesResponse,
  WatchShipmentResponse,
} from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import { unary, type DecodedError } from './grpc.js';
import type { ImsopClient } from './sdk.js';
import { loginAs, seedOrganization, type Clients, type SeededOrganization, type TestServer } from './server.js';

/** An organization with a signed-in admin, as the shipments tests use it. */
export interface ShipmentsTenant {
  org: SeededOrganization;
  md: Metadata;
  /** SDK client bearing the admin's token. */
  imsop: ImsopClient;
}

export async function tenant(ts: TestServer): Promise<ShipmentsTenant> {
  const org = await seedOrganization(ts);
  const { metadata, token } = await loginAs(ts, org.name, org.adminEmail, org.adminPassword);
  return { org, md: metadata, imsop: ts.connect(token) };
}

let counter = 0;
const unique = () => `${process.pid}${++counter}${randomUUID().slice(0, 4)}`.toUpperCase();

/** A warehouse created through inventory's real API. */
export async function createWarehouse(ts: TestServer, md: Metadata): Promise<string> {
  const code = `WH${unique()}`.slice(0, 30);
  const request = CreateWarehouseRequest.fromPartial({ warehouse: { code, name: `Warehouse ${code}` } });
  const res = await unary(ts.clients.warehouses.createWarehouse.bind(ts.clients.warehouses), request, md);
  return res.warehouse!.id;
}

/** A product created through inventory's real API. */
export async function createProduct(ts: TestServer, md: Metadata): Promise<string> {
  const sku = `SKU${unique()}`.slice(0, 60);
  const request = CreateProductRequest.fromPartial({ product: { sku, name: `Product ${sku}` } });
  const res = await unary(ts.clients.products.createProduct.bind(ts.clients.products), request, md);
  return res.product!.id;
}

/** Stock received through inventory's real API. */
export async function receiveStock(ts: TestServer, md: Metadata, warehouseId: string, productId: string, quantity: number): Promise<void> {
  await unary(ts.clients.stock.receiveStock.bind(ts.clients.stock), ReceiveStockRequest.fromPartial({ warehouseId, productId, quantity, reference: 'test' }), md);
}

/** On-hand quantity of a level through inventory's real API (0 when the level does not exist). */
export async function onHand(ts: TestServer, md: Metadata, warehouseId: string, productId: string): Promise<number> {
  try {
    const res = await unary(ts.clients.stock.getStockLevel.bind(ts.clients.stock), { warehouseId, productId }, md);
    return res.stockLevel?.quantityOnHand ?? 0;
  } catch (error) {
    if ((error as ServiceError).code === 5) return 0;
    throw error;
  }
}

export function shipmentRequest(overrides: Partial<CreateShipmentRequest>): CreateShipmentRequest {
  return {
    type: ShipmentType.SHIPMENT_TYPE_OUTBOUND,
    carrier: 'DHL',
    trackingNumber: `TN${unique()}`,
    originWarehouseId: '',
    destinationWarehouseId: '',
    purchaseOrderId: '',
    items: [],
    expectedShipTime: undefined,
    expectedDeliveryTime: undefined,
    requestId: '',
    ...overrides,
  };
}

/** An outbound shipment from a fresh warehouse with one product: the simplest thing to track. */
export async function createTrackableShipment(ts: TestServer, md: Metadata) {
  const warehouseId = await createWarehouse(ts, md);
  const productId = await createProduct(ts, md);
  const { shipment } = await unary(
    ts.clients.shipments.createShipment.bind(ts.clients.shipments),
    shipmentRequest({ originWarehouseId: warehouseId, items: [{ productId, quantity: 1 }] }),
    md,
  );
  return shipment!;
}

export function update(shipmentId: string, updateId: string, overrides: Partial<TrackingUpdate> = {}): TrackingUpdate {
  return {
    updateId,
    shipmentId,
    trackingNumber: '',
    carrier: '',
    location: `hub ${updateId}`,
    position: { latitude: 53.55, longitude: 9.99 },
    eventTime: new Date(Date.now() - 1000),
    status: 0,
    note: '',
    ...overrides,
  };
}

/**
 * A scanner: one bidi stream, acks collected in arrival order. `send` writes updates without
 * waiting (pipelined, as a real scanner would); `acks(n)` waits until n acks arrived in total.
 */
export class Scanner {
  readonly call: ClientDuplexStream<StreamTrackingUpdatesRequest, StreamTrackingUpdatesResponse>;
  readonly received: TrackingUpdateAck[] = [];
  status: ServiceError | undefined;
  ended = false;
  #waiters: (() => void)[] = [];

  constructor(ts: { clients: Pick<Clients, 'tracking'> }, md: Metadata) {
    this.call = ts.clients.tracking.streamTrackingUpdates(md);
    this.call.on('data', (r: StreamTrackingUpdatesResponse) => {
      this.received.push(...r.acks);
      this.#wake();
    });
    this.call.on('error', (e: ServiceError) => {
      this.status = e;
      this.ended = true;
      this.#wake();
    });
    this.call.on('end', () => {
      this.ended = true;
      this.#wake();
    });
  }

  /** Sends the updates in one message, as a scanner flushing its buffer does. */
  send(...updates: TrackingUpdate[]): void {
    this.call.write({ update: undefined, updates });
  }

  /** Sends each update in a message of its own. */
  sendEach(...updates: TrackingUpdate[]): void {
    for (const u of updates) this.call.write({ update: undefined, updates: [u] });
  }

  /** Resolves once `n` acks in total have arrived. @throws when the stream ends first. */
  async acks(n: number, timeoutMs = 20_000): Promise<TrackingUpdateAck[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (this.ended) throw new Error(`stream ended after ${this.received.length}/${n} acks: ${this.status?.message ?? 'OK'}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${this.received.length}/${n} acks`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.received.slice(0, n);
  }

  /** Half-closes and waits for the server to end the stream. */
  async close(): Promise<void> {
    this.call.end();
    await this.whenEnded();
  }

  async whenEnded(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

/** A watch whose points are collected as they arrive. */
export class Watcher {
  readonly points: TrackingPoint[] = [];
  error: ServiceError | undefined;
  ended = false;

  constructor(readonly call: ClientReadableStream<WatchShipmentResponse>) {
    call.on('data', (r: WatchShipmentResponse) => this.points.push(r.trackingPoint!));
    call.on('error', (e: ServiceError) => {
      this.error = e;
      this.ended = true;
    });
    call.on('end', () => (this.ended = true));
  }

  get lastSequence(): number {
    return this.points.at(-1)?.sequence ?? 0;
  }

  /** Resolves once a point with `sequence` (or later) arrived, or the watch ended. */
  async until(sequence: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSequence < sequence && !this.ended) {
      if (Date.now() > deadline) throw new Error(`watch timed out at sequence ${this.lastSequence}, waiting for ${sequence}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async whenEnded(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('watch did not end');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** A google.rpc.Status answered in-band, decoded like a failed call's details. */
export function decodeStatus(status: Status): DecodedError {
  const decoded: DecodedError = { code: status.code, message: status.message, metadata: {}, fieldViolations: [], errorInfoCount: 0 };
  for (const any of status.details) {
    if (any.typeUrl.endsWith('/google.rpc.ErrorInfo')) {
      const info = ErrorInfo.decode(any.value);
      decoded.errorInfoCount++;
      decoded.reason = info.reason;
      decoded.metadata = info.metadata;
    } else if (any.typeUrl.endsWith('/google.rpc.BadRequest')) {
      decoded.fieldViolations.push(...BadRequest.decode(any.value).fieldViolations.map((v) => ({ field: v.field, description: v.description })));
    }
  }
  return decoded;
}

/** Runs `fn` with a superuser connection to the test database (for checks of persisted rows). */
export async function withAdmin<T>(ts: TestServer, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ts.database.adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
