import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeError, expectError } from './support/grpc.js';
import { inventoryTenant, type InventoryTenant } from './support/inventory.js';
import { grpcurlCall } from './support/json-call.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Update masks name fields by their proto names (`unit_of_measure`) or in lowerCamelCase
 * (`unitOfMeasure`): proto3 JSON (grpcurl) writes FieldMask paths in lowerCamelCase, and the
 * generated TypeScript names fields that way too. Both mean the same fields.
 */
let ts: TestServer;
let a: InventoryTenant;

beforeAll(async () => {
  ts = await startTestServer();
  a = await inventoryTenant(ts);
});
afterAll(() => ts?.stop());

describe('update masks', () => {
  it('take proto field names and lowerCamelCase paths alike, and only change the masked fields', async () => {
    const { product } = await a.api.createProduct({ product: { sku: 'MASK-1', name: 'Before', description: 'kept', unitOfMeasure: 'each', reorderPoint: 1 } });
    const mixed = await a.api.updateProduct({
      product: { id: product!.id, name: 'ignored', unitOfMeasure: 'box', reorderPoint: 5 },
      updateMask: ['unit_of_measure', 'reorderPoint'],
    });
    expect(mixed.product).toMatchObject({ name: 'Before', description: 'kept', unitOfMeasure: 'box', reorderPoint: 5 });

    // What grpcurl sends for -d '{"product": {...}, "updateMask": "name,reorderQuantity"}'.
    const viaJson = (await grpcurlCall(
      ts.address,
      'imsop.inventory.v1.ProductService/UpdateProduct',
      { product: { id: product!.id, name: 'After', description: 'ignored', reorderQuantity: 40 }, updateMask: 'name,reorderQuantity' },
      [`authorization: ${a.metadata.get('authorization')[0]}`],
    )) as { product: Record<string, unknown> };
    expect(viaJson.product).toMatchObject({ name: 'After', description: 'kept', unitOfMeasure: 'box', reorderPoint: 5, reorderQuantity: 40 });
    expect((await a.api.getProduct({ productId: product!.id })).product).toMatchObject({ name: 'After', description: 'kept', reorderQuantity: 40 });
  });

  it('refuse unknown paths in either form, naming them as sent', async () => {
    const { product } = await a.api.createProduct({ product: { sku: 'MASK-2', name: 'Masked' } });
    const e = await expectError(a.api.updateProduct({ product: { id: product!.id }, updateMask: ['reorderPoints', 'created_at'] }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.fieldViolations).toEqual([{ field: 'update_mask', description: expect.stringContaining('unknown or read-only paths: reorderPoints, created_at') }]);
    // proto3 JSON turns `createTime` into the field name before it leaves the client.
    const viaJson = await grpcurlCall(
      ts.address,
      'imsop.inventory.v1.ProductService/UpdateProduct',
      { product: { id: product!.id }, updateMask: 'createTime' },
      [`authorization: ${a.metadata.get('authorization')[0]}`],
    ).catch((error) => decodeError(error));
    expect(viaJson).toMatchObject({ code: status.INVALID_ARGUMENT, fieldViolations: [{ field: 'update_mask', description: expect.stringContaining('create_time') }] });
  });
});
