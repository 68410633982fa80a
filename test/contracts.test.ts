import { getOption, hasOption } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { fieldBehaviors, imsopMethods, imsopServices, pathOf, registry } from './support/descriptors.js';

/**
 * The contracts say what they mean in annotations a client can read through reflection, not in
 * prose only: each method's access rule and side effects, each field's required / output-only
 * behaviour. These checks keep the annotations complete as the API grows.
 */
describe('contract annotations', () => {
  const access = registry.getExtension('imsop.api.v1.access')!;

  it('declare an access rule on every IMSOP method', () => {
    const missing = imsopMethods()
      .filter((m) => !hasOption(m, access))
      .map(pathOf);
    expect(missing).toEqual([]);
  });

  it('mark reads (Get, List, Watch, Query, WhoAmI) as NO_SIDE_EFFECTS, and nothing else', () => {
    for (const method of imsopMethods()) {
      const read = /^(Get|List|Watch|Query|WhoAmI)/.test(method.name);
      expect(method.idempotency, pathOf(method)).toBe(read ? 1 : 0); // MethodOptions.IdempotencyLevel: NO_SIDE_EFFECTS = 1
    }
  });

  it('mark every resource id IDENTIFIER, its timestamps OUTPUT_ONLY and every update mask REQUIRED', () => {
    const unmarked: string[] = [];
    for (const file of registry.files) {
      if (!file.proto.package.startsWith('imsop.')) continue;
      for (const message of file.messages) {
        for (const field of message.fields) {
          const behaviors = fieldBehaviors(field);
          const isResource = !/(Request|Response)$/.test(message.name);
          // The id names the resource: unused on create, what an update changes (AIP-203 IDENTIFIER).
          // A purchase order line's id is sent back on updates to name the line to change.
          const identifier = !(message.name === 'PurchaseOrderItem');
          if (
            isResource &&
            identifier &&
            field.name === 'id' &&
            field.number === 1 &&
            !behaviors.includes('IDENTIFIER')
          )
            unmarked.push(`${message.typeName}.id`);
          if (isResource && ['create_time', 'update_time'].includes(field.name) && !behaviors.includes('OUTPUT_ONLY'))
            unmarked.push(`${message.typeName}.${field.name}`);
          if (field.name === 'update_mask' && !behaviors.includes('REQUIRED'))
            unmarked.push(`${message.typeName}.${field.name}`);
          // An etag is sent back by the client on updates (AIP-154): never output-only.
          if (field.name === 'etag' && behaviors.includes('OUTPUT_ONLY'))
            unmarked.push(`${message.typeName}.etag is wrongly OUTPUT_ONLY`);
        }
      }
    }
    expect(unmarked).toEqual([]);
  });

  it('read the access rule of a method as the server enforces it', () => {
    const stock = imsopServices().find((s) => s.typeName === 'imsop.inventory.v1.StockService')!;
    const reserve = stock.methods.find((m) => m.name === 'ReserveStock')!;
    expect((getOption(reserve, access) as unknown as { rule: { case: string; value: string } }).rule).toEqual({
      case: 'permission',
      value: 'inventory.stock:reserve',
    });
  });
});
