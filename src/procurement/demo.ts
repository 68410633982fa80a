import { randomBytes } from 'node:crypto';
import { CreatePurchaseOrderRequest } from '../../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import type { Database, TenantScope } from '../platform/db/database.js';
import { resolveOrganization } from '../platform/db/resolve-organization.js';
import { decimalToMoney } from '../platform/money.js';
import { PageTokens } from '../platform/page-tokens.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { created } from '../platform/change-feed/resource-change.js';
import { SUPPLIER as SUPPLIER_RESOURCE, supplierJson } from './change-events.js';
import type { InventoryPort } from './inventory-port.js';
import { supplierColumns, toSupplier } from './mappers.js';
import { PurchaseOrderService } from './purchase-order-service.js';

const SUPPLIER = {
  name: 'Demo Supplies Ltd',
  contact_name: 'Dana Demo',
  email: 'orders@demo-supplies.example',
  phone: '+44 20 7946 0000',
  address: '1 Sample Street\nLondon',
  rating: 4,
  default_lead_time_days: 7,
  payment_terms: 'Net 30',
};

/**
 * Procurement's part of the demo tenant: a supplier and a draft purchase order with one line per
 * given product (none when no products are given). Idempotent: the supplier is found by name and
 * the order is only created while the supplier has none. Runs as the platform ("system" actor)
 * through the same service code as the API.
 * @param organization the demo organization's name.
 * @param inventory how procurement reaches products (the demo moves no stock).
 * @returns lines describing what exists now.
 */
export async function loadProcurementDemo(
  owner: Database,
  inventory: InventoryPort,
  organization: string,
  productIds: readonly string[] = [],
): Promise<string[]> {
  // The demo lists nothing, so it signs no page token: a throwaway secret will do.
  const pageTokens = new PageTokens({ current: randomBytes(32).toString('base64url') });
  const organizationId = await resolveOrganization(owner, organization);
  if (!organizationId) return [];
  const scope: TenantScope = { organizationId, actorKind: 'system' };
  const supplierId = await owner.inTenant(scope, async (work) => {
    const inserted = await work.tx
      .insertInto('suppliers')
      .values({ organization_id: organizationId, ...SUPPLIER, name_key: caseInsensitiveKey(SUPPLIER.name) })
      .onConflict((oc) => oc.columns(['organization_id', 'name_key']).doNothing())
      .returning(supplierColumns)
      .executeTakeFirst();
    if (inserted) await recordChange(work, created(SUPPLIER_RESOURCE, supplierJson(toSupplier(inserted))));
    return (
      await work.tx
        .selectFrom('suppliers')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('name_key', '=', caseInsensitiveKey(SUPPLIER.name))
        .executeTakeFirstOrThrow()
    ).id;
  });
  const existing = await owner.inTenant(scope, (work) =>
    work.tx
      .selectFrom('purchase_orders')
      .select('po_number')
      .where('organization_id', '=', organizationId)
      .where('supplier_id', '=', supplierId)
      .orderBy('number')
      .executeTakeFirst(),
  );
  const poNumber =
    existing?.po_number ??
    (
      await new PurchaseOrderService(owner, inventory, pageTokens).create(
        scope,
        CreatePurchaseOrderRequest.fromPartial({
          purchaseOrder: {
            supplierId,
            currencyCode: 'EUR',
            items: productIds.map((productId, i) => ({
              productId,
              quantityOrdered: 10 * (i + 1),
              unitPrice: decimalToMoney('12.5', 'EUR'),
            })),
            notes: 'Demo order: submit, approve and receive it to see stock arrive.',
          },
        }),
      )
    ).purchaseOrder!.poNumber;
  return [`  supplier:     ${SUPPLIER.name}`, `  order:        ${poNumber} (draft)`];
}
