import { describe, expect, it } from 'vitest';
import { ErrorReason } from '../gen/ts/imsop/api/v1/error_reason.js';
import { AppError, failedPrecondition, GrpcStatus, notFound } from '../src/platform/errors.js';
import { registry } from './support/descriptors.js';

/**
 * Error reasons are declared in the contracts (proto/imsop/api/v1/error_reason.proto) with the
 * metadata keys each carries; the server can only send what is declared. The checks marked
 * @ts-expect-error are made by `npm run typecheck`: each line must fail to compile.
 */
describe('error reasons', () => {
  it('the server accepts only declared reasons, with the metadata each declares', () => {
    const declared = [
      new AppError(GrpcStatus.CANCELLED, 'CANCELLED', 'cancelled'),
      failedPrecondition('INSUFFICIENT_STOCK', 'too few', {
        available: '1',
        requested: '2',
        warehouse_id: 'w',
        product_id: 'p',
      }),
      notFound('purchase order'),
    ];
    expect(declared.map((e) => e.reason)).toEqual(['CANCELLED', 'INSUFFICIENT_STOCK', 'PURCHASE_ORDER_NOT_FOUND']);
    expect(declared[2]!.metadata).toEqual({ resource: 'purchase order' });

    const refused = () => [
      // @ts-expect-error: a reason the contracts do not declare
      new AppError(GrpcStatus.NOT_FOUND, 'NOT_A_DECLARED_REASON', 'x'),
      failedPrecondition('INSUFFICIENT_STOCK', 'x', {
        available: '1',
        requested: '2',
        warehouse_id: 'w',
        product_id: 'p',
        // @ts-expect-error: INSUFFICIENT_STOCK declares no `shelf` key
        shelf: 'A3',
      }),
      // @ts-expect-error: `requested`, `warehouse_id` and `product_id` are always there
      failedPrecondition('INSUFFICIENT_STOCK', 'x', { available: '1' }),
      // @ts-expect-error: CANCELLED declares no metadata
      new AppError(GrpcStatus.CANCELLED, 'CANCELLED', 'x', { metadata: { why: 'bored' } }),
      // @ts-expect-error: not a resource notFound knows
      notFound('spaceship'),
    ];
    expect(refused).toBeTypeOf('function');
  });

  it('every reason keeps its name on the wire: no enum prefix, unique, UPPER_SNAKE', () => {
    const values = registry.getEnum('imsop.api.v1.ErrorReason')!.values.map((v) => v.name);
    expect(values[0]).toBe('ERROR_REASON_UNSPECIFIED');
    const reasons = values.slice(1);
    expect(reasons.every((name) => /^[A-Z][A-Z0-9_]*$/.test(name) && !name.startsWith('ERROR_REASON_'))).toBe(true);
    expect(new Set(reasons).size).toBe(reasons.length);
    expect(ErrorReason[ErrorReason.INSUFFICIENT_STOCK]).toBe('INSUFFICIENT_STOCK');
  });
});
