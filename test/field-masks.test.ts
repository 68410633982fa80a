import { describe, expect } from 'vitest';
import { expectError } from './support/expect-error.js';
import { grpcurlCall } from './support/json-call.js';
import { Status } from './support/sdk.js';
import { it } from './support/tenant-fixture.js';

/**
 * Update masks name fields by their proto names (`unit_of_measure`) or in lowerCamelCase
 * (`unitOfMeasure`): proto3 JSON (grpcurl) writes FieldMask paths in lowerCamelCase, and the
 * generated TypeScript names fields that way too. Both mean the same fields.
 */
describe('update masks', () => {
  it('take proto field names and lowerCamelCase paths alike, and only change the masked fields', async ({
    server,
    org,
    imsop,
  }) => {
    const { product } = await imsop.products.createProduct({
      product: { sku: 'MASK-1', name: 'Before', description: 'kept', unitOfMeasure: 'each', reorderPoint: 1 },
    });
    const mixed = await imsop.products.updateProduct({
      product: { id: product!.id, name: 'ignored', unitOfMeasure: 'box', reorderPoint: 5 },
      updateMask: ['unit_of_measure', 'reorderPoint'],
    });
    expect(mixed.product).toMatchObject({ name: 'Before', description: 'kept', unitOfMeasure: 'box', reorderPoint: 5 });

    // What grpcurl sends for -d '{"product": {...}, "updateMask": "name,reorderQuantity"}'.
    const viaJson = (await grpcurlCall(
      server.address,
      'imsop.inventory.v1.ProductService/UpdateProduct',
      {
        product: { id: product!.id, name: 'After', description: 'ignored', reorderQuantity: 40 },
        updateMask: 'name,reorderQuantity',
      },
      [`authorization: Bearer ${org.token}`],
    )) as { product: Record<string, unknown> };
    expect(viaJson.product).toMatchObject({
      name: 'After',
      description: 'kept',
      unitOfMeasure: 'box',
      reorderPoint: 5,
      reorderQuantity: 40,
    });
    expect((await imsop.products.getProduct({ productId: product!.id })).product).toMatchObject({
      name: 'After',
      description: 'kept',
      reorderQuantity: 40,
    });
  });

  it('refuse unknown paths in either form, naming them as sent', async ({ server, org, imsop }) => {
    const { product } = await imsop.products.createProduct({ product: { sku: 'MASK-2', name: 'Masked' } });
    const e = await expectError(
      imsop.products.updateProduct({ product: { id: product!.id }, updateMask: ['reorderPoints', 'created_at'] }),
    );
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    expect(e.fieldViolations).toEqual([
      {
        field: 'update_mask',
        description: expect.stringContaining('unknown or read-only paths: reorderPoints, created_at'),
      },
    ]);
    // proto3 JSON turns `createTime` into the field name before it leaves the client.
    const viaJson = await expectError(
      grpcurlCall(
        server.address,
        'imsop.inventory.v1.ProductService/UpdateProduct',
        { product: { id: product!.id }, updateMask: 'createTime' },
        [`authorization: Bearer ${org.token}`],
      ),
    );
    expect(viaJson).toMatchObject({
      code: Status.INVALID_ARGUMENT,
      fieldViolations: [{ field: 'update_mask', description: expect.stringContaining('create_time') }],
    });
  });
});
