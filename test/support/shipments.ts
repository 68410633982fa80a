import { randomUUID } from 'node:crypto';
import type { ClientDuplexStream, ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import pg from 'pg';
import {
  ShipmentType,
  type TrackingPoint,
  type TrackingUpdate,
  type TrackingUpdateAck,
} from '../../gen/ts/imsop/shipments/v1/resources.js';
import type { CreateShipmentRequest } from '../../gen/ts/imsop/shipments/v1/shipment_service.js';
import type {
  StreamTrackingUpdatesRequest,
  StreamTrackingUpdatesResponse,
  WatchShipmentResponse,
} from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import { ImsopError, Status, type ImsopClient } from './sdk.js';
import type { Clients, TestServer } from './server.js';

let counter = 0;
const unique = () => `${process.pid}${++counter}${randomUUID().slice(0, 4)}`.toUpperCase();

/** A warehouse created through inventory's real API. */
export async function createWarehouse(imsop: ImsopClient): Promise<string> {
  const code = `WH${unique()}`.slice(0, 30);
  return (await imsop.warehouses.createWarehouse({ warehouse: { code, name: `Warehouse ${code}` } })).warehouse!.id;
}

/** A product created through inventory's real API. */
export async function createProduct(imsop: ImsopClient): Promise<string> {
  const sku = `SKU${unique()}`.slice(0, 60);
  return (await imsop.products.createProduct({ product: { sku, name: `Product ${sku}` } })).product!.id;
}

/** Stock received through inventory's real API. */
export async function receiveStock(
  imsop: ImsopClient,
  warehouseId: string,
  productId: string,
  quantity: number,
): Promise<void> {
  await imsop.stock.receiveStock({ warehouseId, productId, quantity, reference: 'test' });
}

/** On-hand quantity of a level through inventory's real API (0 when the level does not exist). */
export async function onHand(imsop: ImsopClient, warehouseId: string, productId: string): Promise<number> {
  try {
    return (await imsop.stock.getStockLevel({ warehouseId, productId })).stockLevel?.quantityOnHand ?? 0;
  } catch (error) {
    if (error instanceof ImsopError && error.code === Status.NOT_FOUND) return 0;
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
export async function createTrackableShipment(imsop: ImsopClient) {
  const warehouseId = await createWarehouse(imsop);
  const productId = await createProduct(imsop);
  const { shipment } = await imsop.shipments.createShipment(
    shipmentRequest({ originWarehouseId: warehouseId, items: [{ productId, quantity: 1 }] }),
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
      if (this.ended)
        throw new Error(`stream ended after ${this.received.length}/${n} acks: ${this.status?.message ?? 'OK'}`);
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
      if (Date.now() > deadline)
        throw new Error(`watch timed out at sequence ${this.lastSequence}, waiting for ${sequence}`);
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
